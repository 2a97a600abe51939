using System.Net.Sockets;
using System.Text;

namespace OcciAgent.Tests.Daemon;

/// <summary>The receiving end of NOTIFY_SOCKET, as systemd has it: a unix datagram socket bound
/// to a path in a fresh temporary directory (or to an abstract name). Removed on dispose.</summary>
public sealed class NotifySocket : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly string? _dir;

    public NotifySocket(bool abstractName = false)
    {
        if (abstractName)
        {
            var name = "occi-agent-test-" + Guid.NewGuid().ToString("N")[..12];
            _socket.Bind(new UnixDomainSocketEndPoint("\0" + name));
            Address = "@" + name;
        }
        else
        {
            _dir = Path.Combine(Path.GetTempPath(), "occi-notify-" + Guid.NewGuid().ToString("N")[..12]);
            Directory.CreateDirectory(_dir);
            Address = Path.Combine(_dir, "notify");
            _socket.Bind(new UnixDomainSocketEndPoint(Address));
        }
    }

    /// <summary>What to put into NOTIFY_SOCKET.</summary>
    public string Address { get; }

    /// <summary>The next datagram, or null when none arrives in time.</summary>
    public async Task<string?> ReceiveAsync(TimeSpan timeout)
    {
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            var n = await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            return Encoding.UTF8.GetString(buffer, 0, n);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Datagrams until one satisfies <paramref name="stop"/> or the time is up; all of them.</summary>
    public async Task<List<string>> ReceiveUntilAsync(Func<string, bool> stop, TimeSpan timeout)
    {
        var got = new List<string>();
        var end = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < end)
        {
            var m = await ReceiveAsync(end - DateTime.UtcNow);
            if (m is null) break;
            got.Add(m);
            if (stop(m)) break;
        }
        return got;
    }

    public void Dispose()
    {
        _socket.Dispose();
        if (_dir is not null) Directory.Delete(_dir, recursive: true);
    }
}
