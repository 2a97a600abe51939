using System.Net;
using System.Net.Sockets;
using System.Text;
using OcciAgent.Services;

namespace OcciAgent.Systemd;

/// <summary>What the watchdog asks before each ping: the entity write lock can be taken and the
/// store answers (every request and QMP event goes through that lock), and Kestrel answers a
/// request on loopback. Both are cheap: a lookup of an id that cannot exist, and HEAD /host,
/// sent over a plain TCP socket (an HTTP client would be the only one in the binary).</summary>
public sealed class AgentHealthProbe(EntityService service, string? loopbackUrl)
{
    // Not a valid entity id (EntityService.IsValidId): the store lookup finds nothing and writes nothing.
    private const string NoSuchId = "watchdog probe";
    // The probe holds no credentials: 401 from the access gate shows Kestrel and the request
    // pipeline answer just as well as a 2xx would (Security/AccessGate.cs).
    private static readonly string[] Success = ["HTTP/1.1 2", "HTTP/1.1 401"];

    public async Task ProbeAsync(CancellationToken ct)
    {
        await service.ApplyHostChangeAsync(NoSuchId, e => e).WaitAsync(ct).ConfigureAwait(false);
        if (loopbackUrl is null) return;
        var statusLine = await HeadHostAsync(new Uri(loopbackUrl), ct).ConfigureAwait(false);
        if (!Success.Any(ok => statusLine.StartsWith(ok, StringComparison.Ordinal)))
            throw new InvalidOperationException($"HEAD {loopbackUrl}/host answered '{statusLine}'");
    }

    /// <summary>Sends HEAD /host and returns the response's status line.</summary>
    /// <exception cref="HttpRequestException">The connection failed or closed before a status line.</exception>
    private static async Task<string> HeadHostAsync(Uri url, CancellationToken ct)
    {
        EndPoint target = IPAddress.TryParse(url.DnsSafeHost, out var ip)
            ? new IPEndPoint(ip, url.Port)
            : new DnsEndPoint(url.DnsSafeHost, url.Port);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(target, ct).ConfigureAwait(false);
            // Host is the address probed, a loopback name the browser guard accepts.
            var request = Encoding.ASCII.GetBytes($"HEAD /host HTTP/1.1\r\nHost: {url.Authority}\r\nConnection: close\r\n\r\n");
            await socket.SendAsync(request, SocketFlags.None, ct).ConfigureAwait(false);
            var buffer = new byte[256];
            var length = 0;
            while (length < buffer.Length)
            {
                var n = await socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, ct).ConfigureAwait(false);
                if (n == 0) break;
                length += n;
                if (buffer.AsSpan(0, length).IndexOf("\r\n"u8) is var end and >= 0)
                    return Encoding.ASCII.GetString(buffer, 0, end);
            }
            throw new HttpRequestException($"HEAD {url}host: no status line before the connection closed");
        }
        catch (SocketException e)
        {
            throw new HttpRequestException($"HEAD {url}host: {e.Message}", e);
        }
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
}
