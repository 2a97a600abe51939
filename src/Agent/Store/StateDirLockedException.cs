namespace OcciAgent.Store;

/// <summary>Another occi-agent (or another store in this process) owns the state directory.
/// Two owners would corrupt the LiteDB file (docs/host-notes.md: Connection=direct only takes a shared flock).</summary>
public sealed class StateDirLockedException(string stateDir, string lockFile, int? ownerPid, Exception? inner = null)
    : Exception(
        $"state directory '{stateDir}' is in use by another occi-agent " +
        $"(pid {(ownerPid is { } p ? p.ToString(System.Globalization.CultureInfo.InvariantCulture) : "unknown")}, lock file {lockFile})",
        inner)
{
    public string StateDir { get; } = stateDir;
    public string LockFile { get; } = lockFile;
    /// <summary>PID written by the owner, or null when it could not be read.</summary>
    public int? OwnerPid { get; } = ownerPid;
}
