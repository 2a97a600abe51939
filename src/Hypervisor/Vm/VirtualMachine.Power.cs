using OcciAgent.Hypervisor.Qemu;
using OcciAgent.Hypervisor.Qemu.Qmp;
using OcciAgent.Hypervisor.Volumes;

namespace OcciAgent.Hypervisor.Vm;

public sealed partial class VirtualMachine
{
    /// <summary>Hard power-off: QMP <c>quit</c>, then wait for the process to end. A hibernated
    /// VM forgets its saved RAM (the snapshot is deleted from the root disk).</summary>
    public Task PowerOffAsync(QemuImg qemuImg, CancellationToken ct) => Serialised(async () =>
    {
        if (_session is not null) await QuitAsync(ct).ConfigureAwait(false);
        await DiscardHibernationAsync(qemuImg, ct).ConfigureAwait(false);
        SetStatus(VmStatus.Off);
    }, ct);

    /// <summary>ACPI power button (QMP <c>system_powerdown</c>); the guest decides. Returns at
    /// once; the status follows when the guest powers off.</summary>
    public Task RequestPowerDownAsync(CancellationToken ct) => Serialised(async () =>
    {
        var s = Live("an ACPI power-down");
        if (Status.Phase == VmPhase.Paused) await Exec(() => s.Qmp.ContAsync(ct)).ConfigureAwait(false);
        await Exec(() => s.Qmp.SystemPowerdownAsync(ct)).ConfigureAwait(false);
    }, ct);

    /// <summary>ACPI power-down, waiting up to <paramref name="timeout"/> for the guest to power
    /// off; then a hard power-off. Returns true when the guest shut down by itself.</summary>
    public Task<bool> ShutdownAsync(TimeSpan timeout, CancellationToken ct) => Serialised(() => ShutdownLockedAsync(timeout, ct), ct);

    private async Task<bool> ShutdownLockedAsync(TimeSpan timeout, CancellationToken ct)
    {
        var s = Live("a graceful stop");
        if (Status.Phase == VmPhase.Paused) await Exec(() => s.Qmp.ContAsync(ct)).ConfigureAwait(false);
        await Exec(() => s.Qmp.SystemPowerdownAsync(ct)).ConfigureAwait(false);
        try
        {
            await s.Exited.Task.WaitAsync(timeout, ct).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            await QuitAsync(ct).ConfigureAwait(false);
            return false;
        }
    }

    /// <summary>Warm restart: QMP <c>system_reset</c> (the guest reboots at once, same process).</summary>
    public Task ResetAsync(CancellationToken ct) => Serialised(async () =>
    {
        var s = Live("a warm restart");
        await Exec(() => s.Qmp.SystemResetAsync(ct)).ConfigureAwait(false);
        if (Status.Phase == VmPhase.Paused) await Exec(() => s.Qmp.ContAsync(ct)).ConfigureAwait(false);
        SetStatus(new VmStatus(VmPhase.Running, Pid: s.Pid));
    }, ct);

    /// <summary>Cold restart: end the process and boot a new one (a real power cycle, which also
    /// picks up changed cores, memory and disks). With <paramref name="gracefulTimeout"/>, the
    /// guest is first asked to power off (ACPI) and given that long.</summary>
    public Task<bool> PowerCycleAsync(Func<bool, VmSpec> spec, TimeSpan? gracefulTimeout, CancellationToken ct) => Serialised(async () =>
    {
        var clean = true;
        if (gracefulTimeout is { } t) clean = await ShutdownLockedAsync(t, ct).ConfigureAwait(false);
        else await QuitAsync(ct).ConfigureAwait(false);
        await LaunchAsync(spec(false), ct).ConfigureAwait(false);
        SetStatus(new VmStatus(VmPhase.Running, Pid: _session!.Pid));
        return clean;
    }, ct);

    /// <summary>Suspend: QMP <c>stop</c>, the vCPUs halt, RAM stays in the process.</summary>
    public Task PauseAsync(CancellationToken ct) => Serialised(async () =>
    {
        var s = Live("suspend");
        await Exec(() => s.Qmp.StopAsync(ct)).ConfigureAwait(false);
        SetStatus(new VmStatus(VmPhase.Paused, Pid: s.Pid));
    }, ct);

    /// <summary>Hibernate: the RAM and device state go into an internal snapshot of the root disk
    /// (QMP <c>snapshot-save</c>), then the process ends. The next start loads it.</summary>
    public Task HibernateAsync(string vmStateNode, CancellationToken ct) => Serialised(async () =>
    {
        var s = Live("hibernate");
        var tag = "occi-hibernate-" + DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
        s.QuietPause = true;
        try
        {
            var jobId = "hibernate-" + tag[15..];
            await RunJobAsync(s, "snapshot-save", jobId, () => s.Qmp.SnapshotSaveAsync(Snapshot(jobId, tag, vmStateNode, withVmState: true), ct), ct)
                .ConfigureAwait(false);
        }
        finally
        {
            s.QuietPause = false;
        }
        await File.WriteAllTextAsync(Directory.HibernationMarker, tag + "\n" + vmStateNode + "\n", ct).ConfigureAwait(false);
        await QuitAsync(ct).ConfigureAwait(false);
        SetStatus(VmStatus.Off with { Hibernated = true });
    }, ct);

    /// <summary>Start of a hibernated VM: QEMU was launched paused with the same disks; load the
    /// snapshot, delete it, and let the vCPUs run.</summary>
    private async Task ResumeFromHibernationAsync(CancellationToken ct)
    {
        var s = _session!;
        var lines = (await File.ReadAllLinesAsync(Directory.HibernationMarker, ct).ConfigureAwait(false))
            .Where(l => l.Length > 0).ToArray();
        if (lines.Length < 2) throw new VmException(VmErrorKind.Failed, $"VM {Id}: the hibernation marker {Directory.HibernationMarker} is damaged");
        var (tag, node) = (lines[0], lines[1]);
        s.QuietPause = true;
        try
        {
            await RunJobAsync(s, "snapshot-load", "resume",
                () => s.Qmp.SnapshotLoadAsync(Snapshot("resume", tag, node, withVmState: true), ct), ct).ConfigureAwait(false);
            await RunJobAsync(s, "snapshot-delete", "forget",
                () => s.Qmp.SnapshotDeleteAsync(Snapshot("forget", tag, node, withVmState: false), ct), ct).ConfigureAwait(false);
            File.Delete(Directory.HibernationMarker);
            await Exec(() => s.Qmp.ContAsync(ct)).ConfigureAwait(false);
        }
        finally
        {
            s.QuietPause = false;
        }
    }

    /// <summary>Arguments of snapshot-save/-load/-delete: the RAM goes into (comes from) the
    /// <paramref name="node"/> disk, the only device snapshotted (the others do not change while
    /// the VM is off).</summary>
    private static SnapshotJob Snapshot(string jobId, string tag, string node, bool withVmState) =>
        new(jobId, tag, withVmState ? node : null, [node]);

    private async Task DiscardHibernationAsync(QemuImg qemuImg, CancellationToken ct)
    {
        if (!File.Exists(Directory.HibernationMarker)) return;
        var tag = (await File.ReadAllLinesAsync(Directory.HibernationMarker, ct).ConfigureAwait(false)).FirstOrDefault();
        if (!string.IsNullOrEmpty(tag) && File.Exists(Directory.RootDisk))
        {
            try { await qemuImg.DeleteSnapshotAsync(Directory.RootDisk, tag, ct).ConfigureAwait(false); }
            catch (VolumeException) { /* the snapshot only wastes space; the VM boots fresh either way */ }
        }
        File.Delete(Directory.HibernationMarker);
    }

    /// <summary>Runs one command; its failure names the command (<see cref="QmpException.Command"/>).</summary>
    private async Task Exec(Func<Task> command)
    {
        try { await command().ConfigureAwait(false); }
        catch (QmpException e) { throw Failed(Id, e.Command ?? "QMP", e); }
    }
}
