using System.Collections.Concurrent;

namespace OcciAgent.Hypervisor.Systemd;

/// <summary>Matches <c>JobRemoved(u id, o job, s unit, s result)</c> signals to the jobs we
/// started. The signal can be dispatched before the continuation of the call that returned the
/// job path runs (docs/host-notes.md), so a result that arrives first is kept until its caller
/// claims it. Only results that arrive while one of our calls is in flight are kept: after
/// <c>Subscribe()</c> every job of the manager is reported, and those are not ours.</summary>
internal sealed class JobTracker
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> _waiting = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _early = new(StringComparer.Ordinal);
    private int _inFlight;

    /// <summary>Brackets a call that creates a job: early results are kept only inside it.</summary>
    public IDisposable BeginCall()
    {
        Interlocked.Increment(ref _inFlight);
        return new CallScope(this);
    }

    public void OnJobRemoved(string job, string result)
    {
        if (_waiting.TryRemove(job, out var tcs)) tcs.TrySetResult(result);
        else if (Volatile.Read(ref _inFlight) > 0) _early[job] = result;
    }

    /// <summary>The job's result (<c>done</c>, <c>failed</c>, <c>canceled</c>, <c>timeout</c>,
    /// <c>dependency</c>, <c>skipped</c>) once systemd removes it.</summary>
    public Task<string> WaitAsync(string job)
    {
        if (_early.TryRemove(job, out var r)) return Task.FromResult(r);
        var tcs = _waiting.GetOrAdd(job, _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));
        // The signal may have landed between the first look and the registration.
        if (_early.TryRemove(job, out r) && _waiting.TryRemove(job, out var t)) t.TrySetResult(r);
        return tcs.Task;
    }

    /// <summary>The bus connection ended: nobody will report these jobs any more.</summary>
    public void FailAll(Exception e)
    {
        foreach (var k in _waiting.Keys)
            if (_waiting.TryRemove(k, out var t)) t.TrySetException(e);
    }

    private sealed class CallScope(JobTracker owner) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) != 0) return;
            if (Interlocked.Decrement(ref owner._inFlight) == 0) owner._early.Clear();
        }
    }
}
