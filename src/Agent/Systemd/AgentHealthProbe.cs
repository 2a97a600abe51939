using OcciAgent.Services;

namespace OcciAgent.Systemd;

/// <summary>What the watchdog asks before each ping: the entity write lock can be taken and the
/// store answers (every request and QMP event goes through that lock), and Kestrel answers a
/// request on loopback. Both are cheap: a lookup of an id that cannot exist, and HEAD /host.</summary>
public sealed class AgentHealthProbe(EntityService service, string? loopbackUrl) : IDisposable
{
    // Not a valid entity id (EntityService.IsValidId): the store lookup finds nothing and writes nothing.
    private const string NoSuchId = "watchdog probe";
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };

    public async Task ProbeAsync(CancellationToken ct)
    {
        await service.ApplyHostChangeAsync(NoSuchId, e => e).WaitAsync(ct).ConfigureAwait(false);
        if (loopbackUrl is null) return;
        using var req = new HttpRequestMessage(HttpMethod.Head, loopbackUrl + "/host");
        using var r = await _http.SendAsync(req, ct).ConfigureAwait(false);
        if (!r.IsSuccessStatusCode) throw new InvalidOperationException($"HEAD {loopbackUrl}/host answered {(int)r.StatusCode}");
    }

    /// <summary>The first plain-http address the server listens on, as a loopback URL (a wildcard
    /// listen address is reached through loopback); null when it serves only https.</summary>
    public static string? LoopbackUrl(IEnumerable<string> serverUrls)
    {
        foreach (var url in serverUrls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var u) || u.Scheme != "http") continue;
            // http://unix:/path (a unix socket listener) has no TCP address to probe; the lock check still runs.
            if (u.Host == "unix") continue;
            var host = u.Host switch
            {
                "0.0.0.0" or "+" or "*" or "" => "127.0.0.1",
                "[::]" or "::" => "[::1]",
                _ => u.Host.Contains(':') && !u.Host.StartsWith('[') ? $"[{u.Host}]" : u.Host,
            };
            return $"http://{host}:{u.Port}";
        }
        return null;
    }

    public void Dispose() => _http.Dispose();
}
