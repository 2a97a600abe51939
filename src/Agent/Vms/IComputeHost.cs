using OcciAgent.Hypervisor.Qemu;
using OcciAgent.Hypervisor.Vm;

namespace OcciAgent.Vms;

/// <summary>What the kind backends need of this host's VMs (the port between the OCCI side and
/// QEMU): <see cref="ComputeHost"/> is the real side, tested by the VM tests; the unit tests put
/// a fake here to drive <see cref="Services.EntityService"/> and the backends without QEMU.</summary>
public interface IComputeHost
{
    /// <summary>The directory holding one directory per VM (<c>vms/&lt;id&gt;/</c>).</summary>
    string VmsDir { get; }

    /// <summary>How long a graceful stop waits for the guest to power off.</summary>
    TimeSpan StopTimeout { get; }

    /// <summary>What QEMU offers here; 503 where VMs cannot run (naming why).</summary>
    QemuHost RequireQemu();

    /// <summary>The VM of a compute (made on first use; nothing runs until it is started).</summary>
    IVirtualMachine Vm(string computeId);

    VmStatus StatusOf(string computeId);

    /// <summary>Lets go of a compute's VM after its compute was deleted.</summary>
    void Forget(string computeId);

    /// <summary>The compute's VM when it runs or is paused (a device change is hot-plugged), null
    /// when it is off (the change applies at the next boot). A hibernated VM refuses (409): its
    /// saved state expects exactly the <paramref name="devices"/> it had.</summary>
    IVirtualMachine? LiveVm(string computeId, string what, string devices)
    {
        var status = StatusOf(computeId);
        if (status.Hibernated)
            throw AgentException.Conflict($"compute {computeId} is hibernated; start it before {what} (its saved state expects the {devices} it had)");
        return IsLive(status) ? Vm(computeId) : null;
    }

    /// <summary>A VM with a QEMU process that has its devices: running or paused.</summary>
    static bool IsLive(VmStatus status) => status.Phase is VmPhase.Running or VmPhase.Paused;
}
