using Microsoft.Extensions.Logging;

namespace OcciAgent.Net.Dhcp;

/// <summary>Log messages of DHCP and its bus, event ids 700-749.</summary>
internal static partial class DhcpLog
{
    [LoggerMessage(700, LogLevel.Information, "DHCP bus: {Description}")]
    public static partial void BusChosen(ILogger log, string description);

    [LoggerMessage(701, LogLevel.Information, "DHCP {Key} (network {Network}): dnsmasq pid {Pid} serves {Bridge} {Start}-{End}, ready in {Ms} ms")]
    public static partial void Started(ILogger log, string key, string network, int pid, string bridge, string start, string end, long ms);

    [LoggerMessage(702, LogLevel.Warning, "{Name} pid {Pid} exited unexpectedly (status {Status}): {LastLines}; restart {Attempt} in {DelayMs} ms")]
    public static partial void ChildExited(ILogger log, string name, int pid, int status, string lastLines, int attempt, long delayMs);

    [LoggerMessage(703, LogLevel.Error, "{Name}: {Attempts} restarts failed, supervision gives up until it is started again: {Error}")]
    public static partial void GaveUp(ILogger log, string name, int attempts, string error);

    [LoggerMessage(704, LogLevel.Information, "{Name} restarted as pid {Pid}")]
    public static partial void ChildRestarted(ILogger log, string name, int pid);

    [LoggerMessage(705, LogLevel.Warning, "{Name} restart failed: {Error}")]
    public static partial void RestartFailed(ILogger log, string name, string error);

    [LoggerMessage(706, LogLevel.Information, "DHCP {Key}: {Count} reservation(s) reloaded by SIGHUP to dnsmasq pid {Pid}")]
    public static partial void Reloaded(ILogger log, string key, int count, int pid);

    [LoggerMessage(707, LogLevel.Information, "DHCP {Key}: scope changed, restarting dnsmasq")]
    public static partial void Restarting(ILogger log, string key);

    [LoggerMessage(708, LogLevel.Information, "DHCP {Key}: stopped, files removed")]
    public static partial void Stopped(ILogger log, string key);

    [LoggerMessage(709, LogLevel.Information, "DHCP {Key}: stopped dnsmasq pid {Pid} left running by an earlier agent")]
    public static partial void LeftoverStopped(ILogger log, string key, int pid);

    [LoggerMessage(710, LogLevel.Information, "DHCP {Key}: removed leftover file {Path}")]
    public static partial void LeftoverFileRemoved(ILogger log, string key, string path);

    [LoggerMessage(711, LogLevel.Warning, "DHCP {Key}: {PidFile} names a process that is not our dnsmasq; left alone")]
    public static partial void ForeignPid(ILogger log, string key, string pidFile);

    [LoggerMessage(712, LogLevel.Information, "DHCP {Key}: {Count} lease(s) read from {Path}")]
    public static partial void LeasesRecovered(ILogger log, string key, int count, string path);

    [LoggerMessage(713, LogLevel.Debug, "DHCP {Key}: lease {Change} {Mac} {Address} {Hostname}")]
    public static partial void Lease(ILogger log, string key, DhcpLeaseChange change, string mac, string address, string? hostname);

    [LoggerMessage(714, LogLevel.Warning, "DHCP {Key}: a LeaseChanged handler failed: {Error}")]
    public static partial void HandlerFailed(ILogger log, string key, string error);

    [LoggerMessage(715, LogLevel.Warning, "DHCP {Key}: unreadable lease signal ignored: {Error}")]
    public static partial void BadSignal(ILogger log, string key, string error);

    [LoggerMessage(716, LogLevel.Debug, "{Name}: {Line}")]
    public static partial void ChildOutput(ILogger log, string name, string line);

    [LoggerMessage(717, LogLevel.Warning, "D-Bus connection to {Address} lost ({Error}); reconnecting")]
    public static partial void BusLost(ILogger log, string address, string error);

    [LoggerMessage(718, LogLevel.Information, "D-Bus reconnected to {Address}; restarting {Count} dnsmasq instance(s) so they join it")]
    public static partial void BusBack(ILogger log, string address, int count);

    [LoggerMessage(719, LogLevel.Warning, "D-Bus reconnect to {Address} failed: {Error}")]
    public static partial void BusReconnectFailed(ILogger log, string address, string error);

    [LoggerMessage(720, LogLevel.Warning, "DHCP: {Dir} is not searchable by other users, so dnsmasq (running as {User}) cannot re-read reservations on SIGHUP; make it and its parents o+x")]
    public static partial void RunDirClosed(ILogger log, string dir, string user);

    [LoggerMessage(721, LogLevel.Information, "private D-Bus: stopped dbus-daemon pid {Pid} left running by an earlier agent")]
    public static partial void BusLeftoverStopped(ILogger log, int pid);

    [LoggerMessage(722, LogLevel.Warning, "DHCP {Key}: restarting dnsmasq after the bus came back failed: {Error}")]
    public static partial void RejoinFailed(ILogger log, string key, string error);
}
