namespace OcciAgent.Hypervisor.Qemu.Qmp;

/// <summary>Typed commands: block nodes (the disks' backends).</summary>
public sealed partial class QmpClient
{
    /// <summary><c>blockdev-add</c>: opens an image as a block node.</summary>
    public Task BlockdevAddAsync(BlockdevOptions options, CancellationToken ct = default) =>
        ExecuteAsync("blockdev-add", options, QmpJson.Default.BlockdevOptions, ct);

    /// <summary><c>blockdev-del</c>: closes a block node no device uses any more.</summary>
    public Task BlockdevDelAsync(string nodeName, CancellationToken ct = default) =>
        ExecuteAsync("blockdev-del", new BlockdevDel(nodeName), QmpJson.Default.BlockdevDel, ct);

    /// <summary><c>block_resize</c>: grows (or shrinks) a node; the guest sees the new capacity at once.</summary>
    public Task BlockResizeAsync(BlockResize resize, CancellationToken ct = default) =>
        ExecuteAsync("block_resize", resize, QmpJson.Default.BlockResize, ct);

    /// <summary><c>blockdev-snapshot-internal-sync</c>: an internal qcow2 snapshot of a node in use.</summary>
    public Task BlockdevSnapshotInternalSyncAsync(BlockdevSnapshotInternal snapshot, CancellationToken ct = default) =>
        ExecuteAsync("blockdev-snapshot-internal-sync", snapshot, QmpJson.Default.BlockdevSnapshotInternal, ct);
}
