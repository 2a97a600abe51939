using OcciAgent.Hypervisor.Qemu;
using OcciAgent.Hypervisor.Vm;
using OcciAgent.Hypervisor.Volumes;

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
    IComputeVm Vm(string computeId);

    VmStatus StatusOf(string computeId);

    /// <summary>Lets go of a compute's VM after its compute was deleted.</summary>
    void Forget(string computeId);

    /// <summary>The compute's VM when it runs or is paused (a device change is hot-plugged), null
    /// when it is off (the change applies at the next boot). A hibernated VM refuses (409): its
    /// saved state expects exactly the <paramref name="devices"/> it had.</summary>
    IComputeVm? LiveVm(string computeId, string what, string devices)
    {
        var status = StatusOf(computeId);
        if (status.Hibernated)
            throw AgentException.Conflict($"compute {computeId} is hibernated; start it before {what} (its saved state expects the {devices} it had)");
        return IsLive(status) ? Vm(computeId) : null;
    }

    /// <summary>A VM with a QEMU process that has its devices: running or paused.</summary>
    static bool IsLive(VmStatus status) => status.Phase is VmPhase.Running or VmPhase.Paused;
}

/// <summary>One compute's VM as the backends drive it; <see cref="QemuComputeVm"/> is the real
/// one (a <see cref="VirtualMachine"/> over QMP).</summary>
public interface IComputeVm
{
    string Id { get; }
    VmStatus Status { get; }
    VmDirectory Directory { get; }
    Task<VmStatus> ReattachAsync(bool wasRunning, CancellationToken ct);
    Task StartAsync(Func<bool, VmSpec> spec, CancellationToken ct);
    Task PowerOffAsync(QemuImg qemuImg, CancellationToken ct);
    Task RequestPowerDownAsync(CancellationToken ct);
    Task<bool> ShutdownAsync(TimeSpan timeout, CancellationToken ct);
    Task ResetAsync(CancellationToken ct);
    Task<bool> PowerCycleAsync(Func<bool, VmSpec> spec, TimeSpan? gracefulTimeout, CancellationToken ct);
    Task PauseAsync(CancellationToken ct);
    Task HibernateAsync(string vmStateNode, CancellationToken ct);
    Task HotplugDiskAsync(VmDisk disk, CancellationToken ct);
    Task UnplugDiskAsync(VmDisk disk, CancellationToken ct);
    Task CopyDiskAsync(VmDisk disk, string targetPath, CancellationToken ct);
    Task ResizeDiskAsync(VmDisk disk, long sizeBytes, CancellationToken ct);
    Task SnapshotDiskAsync(VmDisk disk, string name, CancellationToken ct);
    Task HotplugNicAsync(VmNic nic, CancellationToken ct);
    Task UnplugNicAsync(VmNic nic, CancellationToken ct);
}

/// <summary>The real <see cref="IComputeVm"/>: every call goes to the QEMU-backed VM.</summary>
public sealed class QemuComputeVm(VirtualMachine vm) : IComputeVm
{
    public string Id => vm.Id;
    public VmStatus Status => vm.Status;
    public VmDirectory Directory => vm.Directory;
    public Task<VmStatus> ReattachAsync(bool wasRunning, CancellationToken ct) => vm.ReattachAsync(wasRunning, ct);
    public Task StartAsync(Func<bool, VmSpec> spec, CancellationToken ct) => vm.StartAsync(spec, ct);
    public Task PowerOffAsync(QemuImg qemuImg, CancellationToken ct) => vm.PowerOffAsync(qemuImg, ct);
    public Task RequestPowerDownAsync(CancellationToken ct) => vm.RequestPowerDownAsync(ct);
    public Task<bool> ShutdownAsync(TimeSpan timeout, CancellationToken ct) => vm.ShutdownAsync(timeout, ct);
    public Task ResetAsync(CancellationToken ct) => vm.ResetAsync(ct);
    public Task<bool> PowerCycleAsync(Func<bool, VmSpec> spec, TimeSpan? gracefulTimeout, CancellationToken ct) =>
        vm.PowerCycleAsync(spec, gracefulTimeout, ct);
    public Task PauseAsync(CancellationToken ct) => vm.PauseAsync(ct);
    public Task HibernateAsync(string vmStateNode, CancellationToken ct) => vm.HibernateAsync(vmStateNode, ct);
    public Task HotplugDiskAsync(VmDisk disk, CancellationToken ct) => vm.HotplugDiskAsync(disk, ct);
    public Task UnplugDiskAsync(VmDisk disk, CancellationToken ct) => vm.UnplugDiskAsync(disk, ct);
    public Task CopyDiskAsync(VmDisk disk, string targetPath, CancellationToken ct) => vm.CopyDiskAsync(disk, targetPath, ct);
    public Task ResizeDiskAsync(VmDisk disk, long sizeBytes, CancellationToken ct) => vm.ResizeDiskAsync(disk, sizeBytes, ct);
    public Task SnapshotDiskAsync(VmDisk disk, string name, CancellationToken ct) => vm.SnapshotDiskAsync(disk, name, ct);
    public Task HotplugNicAsync(VmNic nic, CancellationToken ct) => vm.HotplugNicAsync(nic, ct);
    public Task UnplugNicAsync(VmNic nic, CancellationToken ct) => vm.UnplugNicAsync(nic, ct);
}
