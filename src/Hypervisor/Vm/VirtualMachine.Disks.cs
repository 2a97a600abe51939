using OcciAgent.Hypervisor.Qemu;
using OcciAgent.Hypervisor.Qemu.Qmp;

namespace OcciAgent.Hypervisor.Vm;

public sealed partial class VirtualMachine
{
    /// <summary>Copies a disk of the running VM, with everything under it, into a new qcow2 file
    /// (QMP <c>drive-backup</c>, sync=full): a consistent point-in-time copy without stopping the guest.</summary>
    public Task CopyDiskAsync(VmDisk disk, string targetPath, CancellationToken ct) => Serialised(async () =>
    {
        var s = Live("a disk copy");
        var jobId = "capture-" + disk.DeviceId;
        await RunJobAsync(s, "drive-backup", jobId, () => s.Qmp.DriveBackupAsync(
            new DriveBackup(jobId, disk.NodeName, targetPath, VmDisk.Format, Sync: "full", Mode: "absolute-paths", AutoDismiss: false), ct),
            ct).ConfigureAwait(false);
    }, ct);

    /// <summary>Grows a disk of the running VM (QMP <c>block_resize</c>); the guest sees the new
    /// capacity at once (virtio-blk config change).</summary>
    public Task ResizeDiskAsync(VmDisk disk, long sizeBytes, CancellationToken ct) => Serialised(async () =>
    {
        var s = Live("a disk resize");
        try { await s.Qmp.BlockResizeAsync(new BlockResize(disk.NodeName, sizeBytes), ct).ConfigureAwait(false); }
        catch (QmpException e) { throw Failed(Id, $"resizing {disk.DeviceId} (block_resize)", e); }
    }, ct);

    /// <summary>An internal qcow2 snapshot of a disk in use (QMP
    /// <c>blockdev-snapshot-internal-sync</c>): qemu-img cannot write an image QEMU has open.</summary>
    public Task SnapshotDiskAsync(VmDisk disk, string name, CancellationToken ct) => Serialised(async () =>
    {
        var s = Live("a disk snapshot");
        try { await s.Qmp.BlockdevSnapshotInternalSyncAsync(new BlockdevSnapshotInternal(disk.NodeName, name), ct).ConfigureAwait(false); }
        catch (QmpException e) { throw Failed(Id, $"snapshot of {disk.DeviceId}", e); }
    }, ct);

    /// <summary>Types text into the guest's serial console.</summary>
    public async Task SendConsoleAsync(ReadOnlyMemory<byte> input, CancellationToken ct)
    {
        var console = Live("console input").Console
            ?? throw new VmException(VmErrorKind.Conflict, $"VM {Id}: the serial console is not connected");
        await console.SendAsync(input, ct).ConfigureAwait(false);
    }

    /// <summary>Runs a QMP job that <paramref name="start"/> begins (<paramref name="command"/> names it in
    /// messages) to its end (JOB_STATUS_CHANGE "concluded"), reads its error if any, and dismisses it.</summary>
    private async Task RunJobAsync(Session s, string command, string jobId, Func<Task> start, CancellationToken ct)
    {
        try
        {
            await TriggerAndWaitAsync(
                ev => ev.Name == "JOB_STATUS_CHANGE" && DataString(ev, "id") == jobId && DataString(ev, "status") == "concluded",
                start, _options.JobTimeout, $"{command} job {jobId}", ct).ConfigureAwait(false);
            var jobs = await s.Qmp.QueryJobsAsync(ct).ConfigureAwait(false);
            var error = jobs.Where(j => j.Id == jobId).Select(j => j.Error).LastOrDefault(e => e is not null);
            await TryAsync(() => s.Qmp.JobDismissAsync(jobId, CancellationToken.None)).ConfigureAwait(false);
            if (error is not null) throw new VmException(VmErrorKind.Failed, $"VM {Id}: {command} failed: {error}");
        }
        catch (QmpException e) { throw Failed(Id, command, e); }
    }
}
