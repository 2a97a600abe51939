using OcciAgent.Hypervisor.Vm;

namespace OcciAgent.Config.Settings;

/// <summary>How VMs run: the emulator, its accelerator, stop and console bounds (the flavours
/// are <see cref="AgentOptions.Flavours"/>).</summary>
public sealed class VmSettings
{
    /// <summary>The QEMU system emulator (a name looked up on PATH, or a path).</summary>
    public string Qemu { get; set; } = "qemu-system-x86_64";
    /// <summary><c>auto</c>: KVM only where the CPU really has it.</summary>
    public AcceleratorMode Accelerator { get; set; } = AcceleratorMode.Auto;
    /// <summary>How long a graceful stop or restart waits for the guest before powering off.</summary>
    public double StopTimeoutSeconds { get; set; } = 60;
    /// <summary>Bound of each VM's serial console log.</summary>
    public long ConsoleLogBytes { get; set; } = 1024 * 1024;
    /// <summary>The supervision bounds of src/Hypervisor: built here and nowhere else.</summary>
    public VmOptions ToVmOptions() => new() { ConsoleLogBytes = ConsoleLogBytes };

    internal static readonly SettingKey[] Keys =
    [
        new("qemu", SettingShape.String), new("accelerator", SettingShape.String), new("stopTimeoutSeconds", SettingShape.Number),
        new("consoleLogBytes", SettingShape.Number),
    ];
}

/// <summary>One entry of <c>flavours</c>: memory in GiB as OCCI counts it (GFD.224 §3.1).</summary>
public sealed class FlavourConfig
{
    public string? Name { get; set; }
    public string? Title { get; set; }
    public int Cores { get; set; }
    public double Memory { get; set; }

    internal static readonly SettingKey[] Keys =
        [new("name", SettingShape.String), new("title", SettingShape.String), new("cores", SettingShape.Number), new("memory", SettingShape.Number)];
}
