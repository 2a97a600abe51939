using System.Net.Security;
using System.Security.Authentication;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;
using OcciAgent.Config;

namespace OcciAgent.Tls;

/// <summary>Holds the certificate every https listener presents and swaps it when its files
/// change: on SIGHUP, and when a 2-second poll sees another size or modification time of the
/// certificate or key file (a rename over the file, a symlink switched by certbot, an edit).
/// A new handshake gets the new certificate; open connections keep theirs. A pair that does
/// not load (e.g. the key replaced before the certificate) is logged and the old one kept.</summary>
public sealed class TlsCertificates : IDisposable
{
    private static readonly TimeSpan PollPeriod = TimeSpan.FromSeconds(2);
    private volatile ServerCertificate? _current;
    private readonly Lock _reloadLock = new();
    private (DateTime, long, DateTime, long) _seen;
    private string? _lastError;
    private ILogger? _log;
    private Timer? _poll;

    private TlsCertificates(string? certPath, string? keyPath, bool generated)
    {
        CertificatePath = certPath;
        KeyPath = keyPath;
        Generated = generated;
    }

    /// <summary>No https listener: nothing to serve, nothing shown.</summary>
    public static TlsCertificates None { get; } = new(null, null, false);

    public string? CertificatePath { get; }
    public string? KeyPath { get; }
    /// <summary>The pair was made by the agent (self-signed) in the state dir at this start.</summary>
    public bool Generated { get; }
    public ServerCertificate? Current => _current;

    /// <summary>For https listeners: the configured PEM pair, or the self-signed one in the state
    /// dir, made now if missing. Null when no listener uses https.</summary>
    /// <exception cref="TlsCertificateException">The pair cannot be made or loaded.</exception>
    public static TlsCertificates ForListeners(AgentOptions options)
    {
        var listeners = options.Listen.Select(ListenUrl.Parse).ToList();
        if (!listeners.Any(l => l.Https)) return None;
        var (cert, key, generated) = options.TlsCertificate is not null
            ? (options.TlsCertificate, options.TlsKey!, false)
            : (Path.Combine(options.TlsDir, SelfSignedCertificate.CertFile), Path.Combine(options.TlsDir, SelfSignedCertificate.KeyFile),
               SelfSignedCertificate.EnsureExists(options.TlsDir, listeners));
        var holder = new TlsCertificates(Path.GetFullPath(cert), Path.GetFullPath(key), generated);
        holder._seen = holder.Stamp();
        holder._current = ServerCertificate.Load(cert, key);
        return holder;
    }

    /// <summary>Kestrel's per-handshake callback: the current certificate, HTTP/1.1 by ALPN.</summary>
    public TlsHandshakeCallbackOptions HandshakeOptions() => new()
    {
        OnConnection = _ => ValueTask.FromResult(new SslServerAuthenticationOptions
        {
            ServerCertificateContext = (_current ?? throw new InvalidOperationException("no TLS certificate loaded")).Context,
            ApplicationProtocols = [SslApplicationProtocol.Http11],
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        }),
    };

    /// <summary>Reload on file change from now on (SIGHUP: <see cref="Reload"/> with force, from Program).</summary>
    public void Watch(ILogger log)
    {
        _log = log;
        if (CertificatePath is null) return;
        _poll = new Timer(_ => Reload("file change", force: false), null, PollPeriod, PollPeriod);
    }

    /// <summary>Loads the pair again when forced or when the files changed; true when swapped.</summary>
    public bool Reload(string why, bool force)
    {
        if (CertificatePath is null || KeyPath is null) return false;
        lock (_reloadLock)
        {
            var stamp = Stamp();
            if (!force && stamp == _seen) return false;
            try
            {
                var next = ServerCertificate.Load(CertificatePath, KeyPath);
                _seen = stamp;
                _lastError = null;
                var changed = next.Fingerprint != _current?.Fingerprint;
                // SIGHUP always says what is served now, even when the poll was quicker.
                if ((changed || force) && _log is not null) Log.TlsReloaded(_log, why, next.CertificatePath, next.Fingerprint, next.Pin);
                if (!changed)
                {
                    next.Dispose();
                    return false;
                }
                // The old one is not disposed: a handshake may be using its context right now.
                _current = next;
                return true;
            }
            catch (TlsCertificateException e)
            {
                // Retried at the next poll (the other file of the pair may be on its way); said once.
                if (_log is not null && e.Message != _lastError) Log.TlsReloadFailed(_log, why, e.Message);
                _lastError = e.Message;
                return false;
            }
        }
    }

    private (DateTime, long, DateTime, long) Stamp()
    {
        static (DateTime, long) Of(string path)
        {
            var f = new FileInfo(path);
            return f.Exists ? (f.LastWriteTimeUtc, f.Length) : (default, -1);
        }
        var (ct, cl) = Of(CertificatePath!);
        var (kt, kl) = Of(KeyPath!);
        return (ct, cl, kt, kl);
    }

    public void Dispose()
    {
        _poll?.Dispose();
    }
}
