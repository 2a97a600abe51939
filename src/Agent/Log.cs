using Microsoft.Extensions.Logging;

namespace OcciAgent;

/// <summary>All log messages of the agent with stable event ids: 1xx start-up, 2xx store and
/// reconcile, 3xx storage, 4xx virtual machines, 5xx request failures, 8xx networks.</summary>
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
}
