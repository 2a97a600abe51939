namespace OcciAgent.Hypervisor.Vm;

/// <summary>What a VM is doing, as QEMU reports it.</summary>
public enum VmPhase
{
    /// <summary>No QEMU process (never started, powered off, or hibernated: see <see cref="VmStatus.Hibernated"/>).</summary>
    Off,
    /// <summary>QEMU runs the guest's vCPUs.</summary>
    Running,
    /// <summary>QEMU runs with the vCPUs stopped (QMP <c>stop</c>).</summary>
    Paused,
    /// <summary>The guest panicked or QEMU died without a guest power-off; <see cref="VmStatus.Message"/> says which.</summary>
    Error,
}

/// <param name="Hibernated">The guest's RAM is saved in its root disk; the next start resumes it.</param>
/// <param name="Pid">The QEMU process, while there is one.</param>
public sealed record VmStatus(VmPhase Phase, string? Message = null, bool Hibernated = false, int? Pid = null)
{
    public static readonly VmStatus Off = new(VmPhase.Off);
}
