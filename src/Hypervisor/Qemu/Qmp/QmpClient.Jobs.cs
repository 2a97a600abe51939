namespace OcciAgent.Hypervisor.Qemu.Qmp;

/// <summary>Typed commands: background jobs (disk copies, VM snapshots). Each starts a job and returns;
/// the job reports through <c>JOB_STATUS_CHANGE</c> events and <see cref="QueryJobsAsync"/>.</summary>
public sealed partial class QmpClient
{
    /// <summary><c>drive-backup</c>: copies a node, with everything under it, into a new image.</summary>
    public Task DriveBackupAsync(DriveBackup backup, CancellationToken ct = default) =>
        ExecuteAsync("drive-backup", backup, QmpJson.Default.DriveBackup, ct);

    /// <summary><c>snapshot-save</c>: RAM and device state into an internal snapshot.</summary>
    public Task SnapshotSaveAsync(SnapshotJob job, CancellationToken ct = default) =>
        ExecuteAsync("snapshot-save", job, QmpJson.Default.SnapshotJob, ct);

    /// <summary><c>snapshot-load</c>: the VM back to a saved snapshot (vCPUs stopped).</summary>
    public Task SnapshotLoadAsync(SnapshotJob job, CancellationToken ct = default) =>
        ExecuteAsync("snapshot-load", job, QmpJson.Default.SnapshotJob, ct);

    /// <summary><c>snapshot-delete</c>: removes an internal snapshot from the devices.</summary>
    public Task SnapshotDeleteAsync(SnapshotJob job, CancellationToken ct = default) =>
        ExecuteAsync("snapshot-delete", job, QmpJson.Default.SnapshotJob, ct);

    /// <summary><c>query-jobs</c>: every job QEMU still holds.</summary>
    public async Task<QmpJob[]> QueryJobsAsync(CancellationToken ct = default) =>
        ReadReply("query-jobs", await ExecuteAsync("query-jobs", null, ct).ConfigureAwait(false), QmpJson.Default.QmpJobArray);

    /// <summary><c>job-dismiss</c>: forgets a concluded job.</summary>
    public Task JobDismissAsync(string id, CancellationToken ct = default) =>
        ExecuteAsync("job-dismiss", new QmpId(id), QmpJson.Default.QmpId, ct);
}
