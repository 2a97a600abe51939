using Microsoft.Extensions.Logging;

namespace OcciAgent.Net.Dhcp;

/// <summary>Keeps one child daemon running: when it exits without being asked to, it is
/// started again after a delay that doubles per consecutive failure (bounded), and supervision
/// gives up after <see cref="DhcpOptions.MaxRestarts"/> failures in a row. A child that ran for
/// a minute resets the count. Single use: <see cref="StartAsync"/> once, <see cref="StopAsync"/> once.</summary>
internal sealed class Supervisor(
    string name,
    Func<CancellationToken, Task<ChildProcess>> startReady,
    DhcpOptions options,
    ILogger log,
    Func<Task>? beforeRestart = null)
{
    private static readonly TimeSpan HealthyRun = TimeSpan.FromMinutes(1);
    private readonly CancellationTokenSource _stop = new();
    private volatile ChildProcess? _child;
    private Task _loop = Task.CompletedTask;

    /// <summary>The running child's pid, null while it is down.</summary>
    public int? Pid => _child is { Exited.IsCompleted: false } c ? c.Pid : null;

    /// <summary>True once supervision gave up; the owner starts a new supervisor to retry.</summary>
    public bool GaveUp { get; private set; }

    /// <summary>Starts the child and waits until it is ready; throws what <c>startReady</c> throws.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        _child = await startReady(ct).ConfigureAwait(false);
        _loop = Task.Run(WatchAsync, CancellationToken.None);
    }

    public async Task StopAsync()
    {
        _stop.Cancel();
        await _loop.ConfigureAwait(false);
        if (_child is { } c)
        {
            await c.StopAsync(options.StopTimeout).ConfigureAwait(false);
            c.Dispose();
            _child = null;
        }
    }

    private async Task WatchAsync()
    {
        var failures = 0;
        while (_child is { } child)
        {
            var since = DateTime.UtcNow;
            int status;
            try
            {
                status = await child.Exited.WaitAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (DateTime.UtcNow - since > HealthyRun) failures = 0;
            var lastError = $"exit status {status}: {child.LastLines}";
            ChildProcess? next = null;
            var first = true;
            while (next is null)
            {
                if (++failures > options.MaxRestarts)
                {
                    GaveUp = true;
                    DhcpLog.GaveUp(log, name, failures - 1, lastError);
                    return;
                }
                var delay = Backoff(failures);
                if (first) DhcpLog.ChildExited(log, name, child.Pid, status, child.LastLines, failures, (long)delay.TotalMilliseconds);
                first = false;
                try
                {
                    await Task.Delay(delay, _stop.Token).ConfigureAwait(false);
                    if (beforeRestart is not null) await beforeRestart().ConfigureAwait(false);
                    next = await startReady(_stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    lastError = e.Message;
                    DhcpLog.RestartFailed(log, name, e.Message);
                }
            }
            child.Dispose();
            _child = next;
            DhcpLog.ChildRestarted(log, name, next.Pid);
        }
    }

    private TimeSpan Backoff(int failures)
    {
        var ms = options.RestartDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 20));
        return TimeSpan.FromMilliseconds(Math.Min(ms, options.RestartDelayMax.TotalMilliseconds));
    }
}
