using Microsoft.Extensions.Logging;

namespace OcciAgent;

// Listeners and TLS: 16x.
internal static partial class Log
{
    [LoggerMessage(160, LogLevel.Information, "TLS certificate {Path}: SHA-256 fingerprint {Fingerprint}, public key pin {Pin}")]
    public static partial void TlsCertificate(ILogger log, string path, string fingerprint, string pin);

    [LoggerMessage(161, LogLevel.Information, "TLS: made a self-signed certificate {Path} (delete it and its key to have a new one made)")]
    public static partial void TlsGenerated(ILogger log, string path);

    [LoggerMessage(162, LogLevel.Information, "TLS certificate reloaded ({Why}) from {Path}: SHA-256 fingerprint {Fingerprint}, public key pin {Pin}")]
    public static partial void TlsReloaded(ILogger log, string why, string path, string fingerprint, string pin);

    [LoggerMessage(163, LogLevel.Warning, "TLS certificate not reloaded ({Why}), the previous one stays in use: {Error}")]
    public static partial void TlsReloadFailed(ILogger log, string why, string error);

    [LoggerMessage(164, LogLevel.Warning, "listen {Url}: plain http reachable from other hosts (allowInsecureRemote is set): requests and credentials cross the network unencrypted")]
    public static partial void InsecureRemote(ILogger log, string url);

    [LoggerMessage(165, LogLevel.Information, "unix socket {Path}: mode {Mode}, group {Group}")]
    public static partial void SocketAccess(ILogger log, string path, string mode, string group);

    [LoggerMessage(167, LogLevel.Warning, "unix socket {Path}: cannot give it to group {Group} ({Error}), so only the agent's own user can connect")]
    public static partial void SocketGroupFailed(ILogger log, string path, string group, string error);

    [LoggerMessage(166, LogLevel.Warning, "unix socket {Path}: group {Group} does not exist, so only the agent's own user can connect")]
    public static partial void SocketGroupMissing(ILogger log, string path, string group);
}
