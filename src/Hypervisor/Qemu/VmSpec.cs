namespace OcciAgent.Hypervisor.Qemu;

/// <summary>Which accelerator QEMU runs a guest with (see <see cref="HostProbe"/> for the choice).</summary>
public enum Accelerator { Tcg, Kvm }

/// <summary>Everything that decides a VM's QEMU command line. Built by the agent from a compute
/// entity, its templates and its links; turned into arguments by <see cref="QemuArgs"/> (pure).</summary>
/// <param name="Id">Stable id (the compute id); also the SMBIOS UUID when it is a UUID.</param>
/// <param name="Name">Human name (the compute title or id): free text, escaped before use.</param>
/// <param name="MemoryMiB">Guest RAM in MiB.</param>
/// <param name="Disks">Virtio disks in boot order; the first one is the boot disk.</param>
/// <param name="Boot">Direct kernel boot (os_tpl sidecar), or null to boot from the first disk.</param>
/// <param name="FwCfg">Files passed to the guest through fw_cfg (user_data, ssh keys).</param>
/// <param name="StartPaused">Start with vCPUs stopped (<c>-S</c>), e.g. to load a saved state first.</param>
public sealed record VmSpec(
    string Id,
    string Name,
    int Cores,
    int MemoryMiB,
    Accelerator Accelerator,
    VmPaths Paths,
    IReadOnlyList<VmDisk> Disks,
    IReadOnlyList<VmNic> Nics,
    DirectBoot? Boot = null,
    IReadOnlyList<FwCfgFile>? FwCfg = null,
    bool StartPaused = false)
{
    /// <summary>No <c>addr</c> on any device: QEMU places them in argument order, as agents did before
    /// slots were explicit (<see cref="PciSlots"/>). Only to resume a VM hibernated by such an agent:
    /// its saved device state names the devices by the slots they had then.</summary>
    public bool ImplicitSlots { get; init; }
}

/// <summary>Host paths of one VM's control channels. <paramref name="MonitorSocket"/> is a second
/// QMP socket for operators (and tests): QEMU serves one client per QMP socket and the agent
/// holds the first; whatever is done through the second reaches the agent as events.</summary>
public sealed record VmPaths(string QmpSocket, string SerialSocket, string PidFile, string? MonitorSocket = null);

public sealed record DirectBoot(string Kernel, string? Initrd, string? Cmdline);

/// <summary>A file exposed at <c>/sys/firmware/qemu_fw_cfg/by_name/NAME/raw</c> in the guest.</summary>
public sealed record FwCfgFile(string Name, string Path);
