using Microsoft.Extensions.Logging;

namespace OcciAgent;

/// <summary>Start-up recovery after a crash (README, crash consistency).</summary>
internal static partial class Log
{
    [LoggerMessage(210, LogLevel.Warning, "{Kind} {Id}: a {Op} was interrupted by a crash; {Outcome}")]
    public static partial void IntentResolved(ILogger log, string kind, string id, string op, string outcome);

    [LoggerMessage(211, LogLevel.Warning, "{Kind} {Id}: finishing the interrupted {Op} failed: {Error}; the next start tries again")]
    public static partial void IntentFailed(ILogger log, string kind, string id, string op, string error);

    [LoggerMessage(214, LogLevel.Warning, "{Ids}: clearing the intent of a failed request failed: {Error}; the next start resolves it")]
    public static partial void IntentNotCleared(ILogger log, string ids, string error);

    [LoggerMessage(212, LogLevel.Warning, "removed {What} {Path}: no entity and no pending change names it (left by a crash)")]
    public static partial void OrphanRemoved(ILogger log, string what, string path);

    [LoggerMessage(213, LogLevel.Warning, "could not remove {What} {Path}: {Error}")]
    public static partial void OrphanFailed(ILogger log, string what, string path, string error);
}
