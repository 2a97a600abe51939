using System.Text.Json;
using OcciAgent.Hypervisor.Qemu;
using OcciAgent.Hypervisor.Qemu.Qmp;

namespace OcciAgent.Hypervisor.Vm;

public sealed partial class VirtualMachine
{
    /// <summary>Hot-plugs a qcow2 file as a virtio disk (QMP <c>blockdev-add</c> then
    /// <c>device_add virtio-blk-pci</c>); undoes the first step if the second fails.</summary>
    public Task HotplugDiskAsync(VmDisk disk, CancellationToken ct) => Serialised(async () =>
    {
        var s = Live("a disk hot-plug");
        QemuArgs.CheckDeviceId(disk.DeviceId);
        try
        {
            await s.Qmp.ExecuteAsync("blockdev-add", w =>
            {
                w.WriteString("driver", "qcow2");
                w.WriteString("node-name", disk.NodeName);
                w.WriteBoolean("read-only", disk.ReadOnly);
                w.WriteStartObject("file");
                w.WriteString("driver", "file");
                w.WriteString("filename", disk.Path);
                w.WriteEndObject();
            }, ct).ConfigureAwait(false);
        }
        catch (QmpException e) { throw Failed(Id, $"attaching {disk.Path} (blockdev-add)", e); }
        try
        {
            await s.Qmp.ExecuteAsync("device_add", w =>
            {
                w.WriteString("driver", "virtio-blk-pci");
                w.WriteString("drive", disk.NodeName);
                w.WriteString("id", disk.QdevId);
            }, ct).ConfigureAwait(false);
        }
        catch (QmpException e)
        {
            await TryExec(s, "blockdev-del", w => w.WriteString("node-name", disk.NodeName)).ConfigureAwait(false);
            throw Failed(Id, $"plugging {disk.DeviceId} (device_add)", e);
        }
    }, ct);

    /// <summary>Hot-unplugs a disk: <c>device_del</c>, then wait for the guest to let go
    /// (<c>DEVICE_DELETED</c>), then <c>blockdev-del</c>. A guest that keeps the device past
    /// the timeout leaves it attached (the caller answers with that).</summary>
    public Task UnplugDiskAsync(VmDisk disk, CancellationToken ct) => Serialised(async () =>
    {
        var s = Live("a disk unplug");
        try
        {
            await TriggerAndWaitAsync(
                ev => ev.Name == "DEVICE_DELETED" && DataString(ev, "device") == disk.QdevId,
                () => s.Qmp.ExecuteAsync("device_del", w => w.WriteString("id", disk.QdevId), ct),
                _options.UnplugTimeout, $"the guest releasing {disk.DeviceId} (DEVICE_DELETED)", ct).ConfigureAwait(false);
        }
        catch (QmpException e) when (e.Class == "DeviceNotFound")
        {
            // Not plugged (e.g. it was never hot-plugged into this process): only the node may remain.
        }
        catch (QmpException e) { throw Failed(Id, $"unplugging {disk.DeviceId} (device_del)", e); }
        await TryExec(s, "blockdev-del", w => w.WriteString("node-name", disk.NodeName)).ConfigureAwait(false);
    }, ct);

    /// <summary>Copies a disk of the running VM, with everything under it, into a new qcow2 file
    /// (QMP <c>drive-backup</c>, sync=full): a consistent point-in-time copy without stopping the guest.</summary>
    public Task CopyDiskAsync(VmDisk disk, string targetPath, CancellationToken ct) => Serialised(async () =>
    {
        var s = Live("a disk copy");
        await RunJobAsync(s, "drive-backup", "capture-" + disk.DeviceId, w =>
        {
            w.WriteString("device", disk.NodeName);
            w.WriteString("target", targetPath);
            w.WriteString("format", "qcow2");
            w.WriteString("sync", "full");
            w.WriteString("mode", "absolute-paths");
            w.WriteBoolean("auto-dismiss", false);
        }, ct).ConfigureAwait(false);
    }, ct);

    /// <summary>Grows a disk of the running VM (QMP <c>block_resize</c>); the guest sees the new
    /// capacity at once (virtio-blk config change).</summary>
    public Task ResizeDiskAsync(VmDisk disk, long sizeBytes, CancellationToken ct) => Serialised(async () =>
    {
        var s = Live("a disk resize");
        try
        {
            await s.Qmp.ExecuteAsync("block_resize", w =>
            {
                w.WriteString("node-name", disk.NodeName);
                w.WriteNumber("size", sizeBytes);
            }, ct).ConfigureAwait(false);
        }
        catch (QmpException e) { throw Failed(Id, $"resizing {disk.DeviceId} (block_resize)", e); }
    }, ct);

    /// <summary>An internal qcow2 snapshot of a disk in use (QMP
    /// <c>blockdev-snapshot-internal-sync</c>): qemu-img cannot write an image QEMU has open.</summary>
    public Task SnapshotDiskAsync(VmDisk disk, string name, CancellationToken ct) => Serialised(async () =>
    {
        var s = Live("a disk snapshot");
        try
        {
            await s.Qmp.ExecuteAsync("blockdev-snapshot-internal-sync", w =>
            {
                w.WriteString("device", disk.NodeName);
                w.WriteString("name", name);
            }, ct).ConfigureAwait(false);
        }
        catch (QmpException e) { throw Failed(Id, $"snapshot of {disk.DeviceId}", e); }
    }, ct);

    /// <summary>Types text into the guest's serial console.</summary>
    public async Task SendConsoleAsync(ReadOnlyMemory<byte> input, CancellationToken ct)
    {
        var console = Live("console input").Console
            ?? throw new VmException(VmErrorKind.Conflict, $"VM {Id}: the serial console is not connected");
        await console.SendAsync(input, ct).ConfigureAwait(false);
    }

    /// <summary>Runs a QMP job to its end (JOB_STATUS_CHANGE "concluded"), reads its error if any,
    /// and dismisses it.</summary>
    private async Task RunJobAsync(Session s, string command, string jobId, Action<Utf8JsonWriter> args, CancellationToken ct)
    {
        try
        {
            await TriggerAndWaitAsync(
                ev => ev.Name == "JOB_STATUS_CHANGE" && DataString(ev, "id") == jobId && DataString(ev, "status") == "concluded",
                () => s.Qmp.ExecuteAsync(command, w => { w.WriteString("job-id", jobId); args(w); }, ct),
                _options.JobTimeout, $"{command} job {jobId}", ct).ConfigureAwait(false);
            string? error = null;
            var jobs = await s.Qmp.ExecuteAsync("query-jobs", null, ct).ConfigureAwait(false);
            foreach (var j in jobs.EnumerateArray())
                if (j.GetProperty("id").GetString() == jobId && j.TryGetProperty("error", out var e))
                    error = e.GetString();
            await TryExec(s, "job-dismiss", w => w.WriteString("id", jobId)).ConfigureAwait(false);
            if (error is not null) throw new VmException(VmErrorKind.Failed, $"VM {Id}: {command} failed: {error}");
        }
        catch (QmpException e) { throw Failed(Id, command, e); }
    }

    private static async Task TryExec(Session s, string command, Action<Utf8JsonWriter> args)
    {
        try { await s.Qmp.ExecuteAsync(command, args, CancellationToken.None).ConfigureAwait(false); }
        catch (QmpException) { /* best effort clean-up */ }
    }
}
