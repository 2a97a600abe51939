using OcciAgent.Hypervisor.Qemu;
using OcciAgent.Hypervisor.Volumes;

namespace OcciAgent.Hypervisor.Vm;

/// <summary>What callers drive of one VM: <see cref="VirtualMachine"/> is the real one (QEMU over
/// QMP); a fake stands here where a test drives the agent without QEMU.</summary>
public interface IVirtualMachine
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
