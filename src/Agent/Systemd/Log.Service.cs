using Microsoft.Extensions.Logging;

namespace OcciAgent;

/// <summary>Service-manager messages (ids 150-199): sd_notify, the watchdog, the console format.</summary>
internal static partial class Log
{
    [LoggerMessage(150, LogLevel.Information, "systemd notified: ready ({Status})")]
    public static partial void NotifiedReady(ILogger log, string status);

    [LoggerMessage(151, LogLevel.Information, "systemd watchdog: a health probe and WATCHDOG=1 every {PeriodMs} ms (WatchdogSec {WatchdogMs} ms)")]
    public static partial void WatchdogEnabled(ILogger log, long periodMs, long watchdogMs);

    [LoggerMessage(152, LogLevel.Warning, "systemd watchdog: health probe failed ({Problem}); no WATCHDOG=1 this period")]
    public static partial void WatchdogUnhealthy(ILogger log, string problem);

    [LoggerMessage(153, LogLevel.Information, "stopping: systemd notified (STOPPING=1); VMs keep running")]
    public static partial void NotifiedStopping(ILogger log);

    [LoggerMessage(154, LogLevel.Warning, "NOTIFY_SOCKET {Socket} did not take the READY=1 notification; systemd may time out the start")]
    public static partial void NotifyFailed(ILogger log, string socket);
}
