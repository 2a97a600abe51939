using OcciAgent.Hypervisor.Qemu;

namespace OcciAgent.Hypervisor.Vm;

/// <summary>Starts a VM's QEMU process so that it outlives the agent. Everything
/// after the launch (QMP, console, state) is the same whoever launched it, so another launcher
/// (systemd transient units over D-Bus) only has to implement this.</summary>
public interface IVmLauncher
{
    /// <summary>Short name for logs and the host endpoint.</summary>
    string Name { get; }

    /// <summary>Starts QEMU with <paramref name="args"/> (from <see cref="QemuArgs.Build"/>) and
    /// returns its PID once QEMU has initialised (its QMP socket exists). Failure to start is a
    /// <see cref="VmException"/> carrying QEMU's own error text.</summary>
    Task<int> LaunchAsync(VmSpec spec, IReadOnlyList<string> args, CancellationToken ct);

    /// <summary>Ends a QEMU that no longer answers on QMP (SIGKILL or the launcher's equivalent).</summary>
    Task KillAsync(string vmId, int pid, CancellationToken ct);
}
