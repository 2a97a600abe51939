namespace OcciAgent.Hypervisor.Qemu.Qmp;

/// <summary>Arguments of <c>drive-backup</c>: a copy of <paramref name="Device"/> into a new file.</summary>
public sealed record DriveBackup(string JobId, string Device, string Target, string Format, string Sync, string Mode, bool AutoDismiss);

/// <summary>Arguments of <c>snapshot-save</c>, <c>snapshot-load</c> (with <paramref name="Vmstate"/>, the node that
/// holds the RAM) and <c>snapshot-delete</c> (without).</summary>
public sealed record SnapshotJob(string JobId, string Tag, string? Vmstate, IReadOnlyList<string> Devices);

/// <summary>One job of the <c>query-jobs</c> reply; <paramref name="Error"/> is set when it failed.</summary>
public sealed record QmpJob(string Id, string? Status = null, string? Error = null);
