using System.Diagnostics;

namespace OcciAgent.Hypervisor.Qemu.Qmp;

/// <summary>Waiting for events: a waiter registers before its trigger runs, so an event a command causes
/// (sent before that command's reply) cannot be missed.</summary>
public sealed partial class QmpClient
{
    /// <summary>Waits for the first event that satisfies <paramref name="match"/> and that arrives after this
    /// call. Events sent before the call are not seen, and QEMU sends the events a command causes before the
    /// command's reply: to wait for the effect of a command, use the overload that takes a trigger, or call this
    /// method (without awaiting) before sending the command. <paramref name="match"/> runs on the reader loop:
    /// keep it quick; if it throws, the wait fails with that exception.</summary>
    /// <exception cref="TimeoutException">No matching event within <paramref name="timeout"/>.</exception>
    /// <exception cref="QmpException">The connection closed first (<see cref="QmpException.ConnectionClosed"/>).</exception>
    public Task<QmpEvent> WaitForEventAsync(Func<QmpEvent, bool> match, TimeSpan timeout, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(match);
        var deadline = Deadline.Start(timeout);
        var waiter = AddWaiter(match);
        return AwaitWaiterAsync(waiter, deadline, ct);
    }

    /// <summary>Registers a wait for the first event that satisfies <paramref name="match"/>, then runs
    /// <paramref name="trigger"/> (typically <c>() => client.ContAsync()</c>) and waits for the event.
    /// No event can be missed between the two. <paramref name="timeout"/> counts from the call, trigger included.
    /// If the trigger throws, the wait is dropped and the exception propagates.</summary>
    /// <exception cref="TimeoutException">No matching event within <paramref name="timeout"/>.</exception>
    /// <exception cref="QmpException">The connection closed first (<see cref="QmpException.ConnectionClosed"/>),
    /// or the trigger failed with one.</exception>
    public async Task<QmpEvent> WaitForEventAsync(Func<QmpEvent, bool> match, Func<Task> trigger, TimeSpan timeout, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(match);
        ArgumentNullException.ThrowIfNull(trigger);
        var deadline = Deadline.Start(timeout);
        var waiter = AddWaiter(match);
        try
        {
            await trigger().ConfigureAwait(false);
        }
        catch
        {
            RemoveWaiter(waiter);
            throw;
        }
        return await AwaitWaiterAsync(waiter, deadline, ct).ConfigureAwait(false);
    }

    private void DeliverEvent(QmpEvent qmpEvent)
    {
        _events.Writer.TryWrite(qmpEvent);
        lock (_waiters)
        {
            for (var i = 0; i < _waiters.Count; i++)
            {
                var waiter = _waiters[i];
                bool matched;
                try
                {
                    matched = waiter.Match(qmpEvent);
                }
                catch (Exception e)
                {
                    waiter.Result.TrySetException(e);
                    matched = true;
                }
                if (matched)
                {
                    waiter.Result.TrySetResult(qmpEvent);
                    _waiters.RemoveAt(i--);
                }
            }
        }
    }

    private EventWaiter AddWaiter(Func<QmpEvent, bool> match)
    {
        var waiter = new EventWaiter(match);
        lock (_waiters)
        {
            if (_closeReason is { } reason)
                waiter.Result.TrySetException(QmpException.Closed(null, reason));
            else
                _waiters.Add(waiter);
        }
        return waiter;
    }

    private void RemoveWaiter(EventWaiter waiter)
    {
        lock (_waiters)
            _waiters.Remove(waiter);
    }

    private async Task<QmpEvent> AwaitWaiterAsync(EventWaiter waiter, Deadline deadline, CancellationToken ct)
    {
        try
        {
            return deadline.Infinite
                ? await waiter.Result.Task.WaitAsync(ct).ConfigureAwait(false)
                : await waiter.Result.Task.WaitAsync(deadline.Remaining, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            RemoveWaiter(waiter);
            throw new TimeoutException($"no matching QMP event on '{SocketPath}' within {Describe(deadline.Timeout)}");
        }
        catch (OperationCanceledException)
        {
            RemoveWaiter(waiter);
            throw;
        }
    }

    private sealed class EventWaiter(Func<QmpEvent, bool> match)
    {
        public Func<QmpEvent, bool> Match { get; } = match;
        public TaskCompletionSource<QmpEvent> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private readonly struct Deadline
    {
        private readonly long _started;

        private Deadline(TimeSpan timeout)
        {
            Timeout = timeout;
            _started = Stopwatch.GetTimestamp();
        }

        public TimeSpan Timeout { get; }
        public bool Infinite => Timeout == System.Threading.Timeout.InfiniteTimeSpan;
        public TimeSpan Remaining
        {
            get
            {
                var left = Timeout - Stopwatch.GetElapsedTime(_started);
                return left > TimeSpan.Zero ? left : TimeSpan.Zero;
            }
        }

        public static Deadline Start(TimeSpan timeout)
        {
            if (timeout != System.Threading.Timeout.InfiniteTimeSpan)
                ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
            return new Deadline(timeout);
        }
    }
}
