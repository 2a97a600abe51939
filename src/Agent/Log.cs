using Microsoft.Extensions.Logging;

namespace OcciAgent;

/// <summary>All log messages of the agent with stable event ids: 1xx start-up, 2xx store and
/// reconcile, 3xx storage, 4xx virtual machines, 5xx request failures, 6xx authentication and audit, 8xx networks.</summary>
internal static partial class Log
{
    [LoggerMessage(100, LogLevel.Information, "occi-agent {Version} listening on {Listen}, state dir {StateDir}")]
    public static partial void Started(ILogger log, string version, string listen, string stateDir);

    [LoggerMessage(101, LogLevel.Information, "os_tpl images: {Count} in {Dir}")]
    public static partial void ImagesLoaded(ILogger log, int count, string dir);

    [LoggerMessage(102, LogLevel.Warning, "image {File} skipped: {Reason}")]
    public static partial void ImageSkipped(ILogger log, string file, string reason);

    [LoggerMessage(200, LogLevel.Warning, "storage {Id}: volume {Path} is missing; state set to error")]
    public static partial void VolumeMissing(ILogger log, string id, string path);

    [LoggerMessage(201, LogLevel.Information, "storage {Id}: volume file is back; state set to offline")]
    public static partial void VolumeBack(ILogger log, string id);

    [LoggerMessage(300, LogLevel.Information, "storage {Id}: created {Path} ({Bytes} bytes{Backing})")]
    public static partial void VolumeCreated(ILogger log, string id, string path, long bytes, string backing);

    [LoggerMessage(301, LogLevel.Warning, "storage {Id}: undo after failure: {Error}")]
    public static partial void UndoFailed(ILogger log, string id, string error);

    [LoggerMessage(105, LogLevel.Warning, "os_tpl images: cannot watch {Dir} ({Error}); images added from now on show up at the next start")]
    public static partial void ImageWatchFailed(ILogger log, string dir, string error);

    [LoggerMessage(103, LogLevel.Information, "QEMU {Path} version {Version}; accelerator {Accelerator}: {Reason}; launcher {Launcher}")]
    public static partial void QemuFound(ILogger log, string path, string version, string accelerator, string reason, string launcher);

    [LoggerMessage(104, LogLevel.Warning, "virtual machines unavailable: {Problem}; compute actions answer 503")]
    public static partial void QemuMissing(ILogger log, string problem);

    [LoggerMessage(202, LogLevel.Information, "compute {Id}: reattached, VM is {Phase} {Message}")]
    public static partial void VmReattached(ILogger log, string id, string phase, string message);

    [LoggerMessage(400, LogLevel.Information, "compute {Id}: VM {Phase} {Message}")]
    public static partial void VmStatus(ILogger log, string id, string phase, string message);

    [LoggerMessage(401, LogLevel.Information, "compute {Id}: {Action} ({Method}) done in {Ms} ms")]
    public static partial void VmAction(ILogger log, string id, string action, string method, long ms);

    [LoggerMessage(402, LogLevel.Information, "compute {Id}: root disk captured as image {Path}")]
    public static partial void ImageSaved(ILogger log, string id, string path);

    [LoggerMessage(403, LogLevel.Warning, "compute {Id}: {What} failed: {Error}")]
    public static partial void VmBackgroundFailed(ILogger log, string id, string what, string error);

    [LoggerMessage(800, LogLevel.Information, "removed {Name}: the agent made it for {Kind} {Id}, which no longer exists")]
    public static partial void NetworkLeftover(ILogger log, string name, string kind, string id);

    [LoggerMessage(801, LogLevel.Warning, "NAT rules could not be restored: {Error}")]
    public static partial void NetworkNatFailed(ILogger log, string error);

    [LoggerMessage(802, LogLevel.Information, "DHCP: {Bus}")]
    public static partial void DhcpBus(ILogger log, string bus);

    [LoggerMessage(803, LogLevel.Warning, "DHCP is unavailable, dynamic networks will answer 503: {Reason}")]
    public static partial void DhcpUnavailable(ILogger log, string reason);
    [LoggerMessage(450, LogLevel.Information, "VM launcher {Launcher}: {Reason}")]
    public static partial void LauncherChosen(ILogger log, string launcher, string reason);

    [LoggerMessage(451, LogLevel.Error, "no VM launcher: {Problem}; compute actions answer 503")]
    public static partial void LauncherUnavailable(ILogger log, string problem);

    [LoggerMessage(452, LogLevel.Warning, "compute {Id}: {Message}")]
    public static partial void LauncherWarning(ILogger log, string id, string message);

    [LoggerMessage(453, LogLevel.Information, "compute {Id}: unit {Unit} started; JobRemoved after {JobMs:0.0} ms, QMP greeting after {ReadyMs:0.0} ms, machined registration done after {MachineMs:0.0} ms")]
    public static partial void VmUnitStarted(ILogger log, string id, string unit, double jobMs, double readyMs, double machineMs);

    [LoggerMessage(501, LogLevel.Debug, "{Method} {Path}: the client went away before the answer ({Reason})")]
    public static partial void RequestAborted(ILogger log, string method, string path, string reason);

    [LoggerMessage(500, LogLevel.Error, "{Method} {Path} failed")]
    public static partial void RequestFailed(ILogger log, Exception e, string method, string path);
    [LoggerMessage(600, LogLevel.Warning, "auth is \"none\": every client that reaches a listener has full access without credentials")]
    public static partial void AuthNone(ILogger log);

    [LoggerMessage(601, LogLevel.Warning, "no tokens yet: created the admin token 'admin' in {Path} (mode 0600); read it from there")]
    public static partial void AdminTokenCreated(ILogger log, string path);

    [LoggerMessage(602, LogLevel.Information, "tokens: {Count} from {Path}")]
    public static partial void TokensLoaded(ILogger log, int count, string path);

    [LoggerMessage(603, LogLevel.Error, "tokens: {Path} cannot be read, every token is refused until it can: {Error}")]
    public static partial void TokensUnreadable(ILogger log, string path, string error);

    [LoggerMessage(604, LogLevel.Warning, "token {Name} has an unknown role '{Role}' and is refused")]
    public static partial void TokenRoleUnknown(ILogger log, string name, string role);

    [LoggerMessage(605, LogLevel.Warning, "tokens: last use not saved to {Path}: {Error}")]
    public static partial void TokenUseNotSaved(ILogger log, string path, string error);

    [LoggerMessage(610, LogLevel.Information, "audit: {Who} {Method} {Path} -> {Status}")]
    public static partial void Audit(ILogger log, string who, string method, string path, int status);
}
