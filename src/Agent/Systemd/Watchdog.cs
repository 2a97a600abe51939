using Microsoft.Extensions.Logging;

namespace OcciAgent.Systemd;

/// <summary>Sends WATCHDOG=1 every half <see cref="SdNotifier.WatchdogInterval"/>, but only after
/// a health probe of the agent succeeded within that half: a wedged agent (request pipeline or
/// entity write lock stuck) stops pinging, and systemd restarts it (Restart=on-failure). A blind
/// timer would keep a hung agent alive forever.</summary>
public sealed class Watchdog : IAsyncDisposable
{
    private readonly SdNotifier _notifier;
    private readonly Func<CancellationToken, Task> _probe;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public Watchdog(SdNotifier notifier, Func<CancellationToken, Task> probe, ILogger log)
    {
        _notifier = notifier;
        _probe = probe;
        _log = log;
        Period = (notifier.WatchdogInterval ?? throw new ArgumentException("the notifier has no watchdog interval", nameof(notifier))) / 2;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Time between pings, which is also the probe's time limit.</summary>
    public TimeSpan Period { get; }

    private async Task LoopAsync()
    {
        Task? pending = null; // a probe that overran: never stack a second one on a wedged agent
        while (!_stop.IsCancellationRequested)
        {
            var started = DateTime.UtcNow;
            if (pending is { IsCompleted: true }) pending = null; // finished late: probe afresh
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            limit.CancelAfter(Period);
            string? problem;
            try
            {
                pending ??= _probe(limit.Token);
                await pending.WaitAsync(limit.Token).ConfigureAwait(false);
                pending = null;
                problem = null;
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (OperationCanceledException)
            {
                problem = $"no answer within {Period.TotalMilliseconds:0} ms";
            }
            catch (Exception e)
            {
                problem = e.Message;
                pending = null;
            }
            if (problem is null)
            {
                _notifier.WatchdogPing();
            }
            else
            {
                Log.WatchdogUnhealthy(_log, problem);
            }
            var rest = Period - (DateTime.UtcNow - started);
            if (rest > TimeSpan.Zero)
            {
                try { await Task.Delay(rest, _stop.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
