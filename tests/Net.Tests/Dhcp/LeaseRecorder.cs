using System.Diagnostics;
using OcciAgent.Net.Dhcp;

namespace OcciAgent.Net.Tests.Dhcp;

/// <summary>Records LeaseChanged events with the time they arrived, and waits for one.</summary>
public sealed class LeaseRecorder
{
    private readonly List<(DhcpLeaseChange Change, DhcpLease Lease, long At)> _events = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public LeaseRecorder(IDhcpServer server) => server.LeaseChanged += (c, l) =>
    {
        lock (_events) _events.Add((c, l, _clock.ElapsedMilliseconds));
    };

    public long Now => _clock.ElapsedMilliseconds;

    /// <summary>The first event matching after <paramref name="since"/> (clock ms), and when it came.</summary>
    /// <remarks>Polls without blocking a thread: the event's time is taken in the handler, so
    /// the polling interval does not enter the measurement.</remarks>
    public async Task<(DhcpLeaseChange Change, DhcpLease Lease, long At)> WaitForAsync(
        Func<DhcpLeaseChange, DhcpLease, bool> match, long since = 0, int timeoutMs = 20_000)
    {
        var deadline = _clock.ElapsedMilliseconds + timeoutMs;
        while (true)
        {
            lock (_events)
            {
                foreach (var e in _events)
                    if (e.At >= since && match(e.Change, e.Lease)) return e;
                Assert.True(_clock.ElapsedMilliseconds < deadline,
                    $"no matching lease event within {timeoutMs} ms; got: {string.Join(", ", _events.Select(e => $"{e.Change} {e.Lease}"))}");
            }
            await Task.Delay(5);
        }
    }
}
