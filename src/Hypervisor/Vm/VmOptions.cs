namespace OcciAgent.Hypervisor.Vm;

/// <summary>Time limits and bounds of VM supervision.</summary>
public sealed record VmOptions
{
    /// <summary>How long a launched QEMU may take to answer on QMP.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);
    /// <summary>How long a guest may take to release a hot-unplugged device (DEVICE_DELETED).</summary>
    public TimeSpan UnplugTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>How long a block job (hibernate, resume, disk capture) may take.</summary>
    public TimeSpan JobTimeout { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>How long QEMU may take to exit after <c>quit</c>.</summary>
    public TimeSpan ExitTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Upper bound of the serial console log kept per VM.</summary>
    public long ConsoleLogBytes { get; init; } = 1024 * 1024;
}
