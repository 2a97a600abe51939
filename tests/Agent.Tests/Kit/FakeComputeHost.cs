using System.Collections.Concurrent;
using OcciAgent.Hypervisor.Qemu;
using OcciAgent.Hypervisor.Vm;
using OcciAgent.Hypervisor.Volumes;
using OcciAgent.Vms;

namespace OcciAgent.Tests.Kit;

/// <summary>An <see cref="IComputeHost"/> whose VMs are state machines in memory: no QEMU. The
/// real side (ComputeHost over QMP) is tested by the tests in Vms/, which boot real guests.
/// Status changes are reported to <see cref="Changes"/> like the real host does.</summary>
public sealed class FakeComputeHost(string vmsDir) : IComputeHost
{
    private readonly ConcurrentDictionary<string, FakeVm> _vms = new(StringComparer.Ordinal);

    public VmStatusChanges Changes { get; } = new();
    public string VmsDir { get; } = vmsDir;
    public TimeSpan StopTimeout { get; } = TimeSpan.FromSeconds(1);
    /// <summary>Set to make VM work answer as on a host without a usable QEMU.</summary>
    public string? QemuProblem { get; set; }

    public QemuHost RequireQemu() => QemuProblem is null
        ? new QemuHost("/usr/bin/qemu-system-x86_64", "fake", Accelerator.Tcg, "fake host", null)
        : throw new AgentException(AgentError.Unavailable, $"virtual machines are unavailable on this host: {QemuProblem}");

    public FakeVm Vm(string computeId) => _vms.GetOrAdd(computeId, id => new FakeVm(new VmDirectory(VmsDir, id), Changes));
    IVirtualMachine IComputeHost.Vm(string computeId) => Vm(computeId);
    public VmStatus StatusOf(string computeId) => Vm(computeId).Status;
    public void Forget(string computeId) => _vms.TryRemove(computeId, out _);
    public bool Knows(string computeId) => _vms.ContainsKey(computeId);
}

/// <summary>One fake VM: the power operations move it between the phases the real one has, the
/// device operations record what is plugged. <see cref="FailNext"/> makes the next operation throw
/// (a QEMU that refuses).</summary>
public sealed class FakeVm(VmDirectory directory, VmStatusChanges changes) : IVirtualMachine
{
    private VmStatus _status = VmStatus.Off;

    public string Id => directory.Id;
    public VmDirectory Directory => directory;
    public VmStatus Status => _status;
    /// <summary>Every operation in order, by name ("start", "hotplug-disk vdb", ...).</summary>
    public List<string> Calls { get; } = [];
    /// <summary>The spec of the last boot (start, power cycle).</summary>
    public VmSpec? LastSpec { get; private set; }
    public List<VmDisk> Disks { get; } = [];
    public List<VmNic> Nics { get; } = [];
    public Exception? FailNext { get; set; }
    /// <summary>The guest ignores ACPI power-down (a graceful stop times out).</summary>
    public bool IgnoresAcpi { get; set; }

    /// <summary>What a QMP event or the process's exit does: a new status, reported.</summary>
    public void Become(VmStatus status)
    {
        _status = status;
        changes.Report(Id);
    }

    private void Do(string call)
    {
        if (FailNext is { } e)
        {
            FailNext = null;
            throw e;
        }
        Calls.Add(call);
    }

    public Task<VmStatus> ReattachAsync(bool wasRunning, CancellationToken ct)
    {
        Do("reattach");
        return Task.FromResult(_status);
    }

    public Task StartAsync(Func<bool, VmSpec> spec, CancellationToken ct)
    {
        Do("start");
        LastSpec = spec(false);
        Become(new VmStatus(VmPhase.Running, Pid: 4242));
        return Task.CompletedTask;
    }

    public Task PowerOffAsync(QemuImg qemuImg, CancellationToken ct)
    {
        Do("poweroff");
        Become(VmStatus.Off);
        return Task.CompletedTask;
    }

    public Task RequestPowerDownAsync(CancellationToken ct)
    {
        Do("acpi-powerdown");
        return Task.CompletedTask;
    }

    public Task<bool> ShutdownAsync(TimeSpan timeout, CancellationToken ct)
    {
        Do("shutdown");
        Become(VmStatus.Off);
        return Task.FromResult(!IgnoresAcpi);
    }

    public Task ResetAsync(CancellationToken ct)
    {
        Do("reset");
        return Task.CompletedTask;
    }

    public Task<bool> PowerCycleAsync(Func<bool, VmSpec> spec, TimeSpan? gracefulTimeout, CancellationToken ct)
    {
        Do(gracefulTimeout is null ? "powercycle" : "powercycle-graceful");
        LastSpec = spec(false);
        Become(new VmStatus(VmPhase.Running, Pid: 4243));
        return Task.FromResult(gracefulTimeout is null || !IgnoresAcpi);
    }

    public Task PauseAsync(CancellationToken ct)
    {
        Do("pause");
        Become(_status with { Phase = VmPhase.Paused });
        return Task.CompletedTask;
    }

    public Task HibernateAsync(string vmStateNode, CancellationToken ct)
    {
        Do("hibernate " + vmStateNode);
        Become(new VmStatus(VmPhase.Off, Hibernated: true));
        return Task.CompletedTask;
    }

    public Task HotplugDiskAsync(VmDisk disk, CancellationToken ct)
    {
        Do("hotplug-disk " + disk.DeviceId);
        Disks.Add(disk);
        return Task.CompletedTask;
    }

    public Task UnplugDiskAsync(VmDisk disk, CancellationToken ct)
    {
        Do("unplug-disk " + disk.DeviceId);
        Disks.RemoveAll(d => d.DeviceId == disk.DeviceId);
        return Task.CompletedTask;
    }

    public Task CopyDiskAsync(VmDisk disk, string targetPath, CancellationToken ct)
    {
        Do("copy-disk " + disk.DeviceId);
        return Task.CompletedTask;
    }

    public Task ResizeDiskAsync(VmDisk disk, long sizeBytes, CancellationToken ct)
    {
        Do("resize-disk " + disk.DeviceId);
        return Task.CompletedTask;
    }

    public Task SnapshotDiskAsync(VmDisk disk, string name, CancellationToken ct)
    {
        Do("snapshot-disk " + disk.DeviceId);
        return Task.CompletedTask;
    }

    public Task HotplugNicAsync(VmNic nic, CancellationToken ct)
    {
        Do("hotplug-nic " + nic.Tap);
        Nics.Add(nic);
        return Task.CompletedTask;
    }

    public Task UnplugNicAsync(VmNic nic, CancellationToken ct)
    {
        Do("unplug-nic " + nic.Tap);
        Nics.RemoveAll(n => n.Tap == nic.Tap);
        return Task.CompletedTask;
    }
}
