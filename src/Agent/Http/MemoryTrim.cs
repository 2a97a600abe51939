namespace OcciAgent.Http;

/// <summary>Gives the memory of large requests back to the host once the agent is idle. The GC
/// runs only when something allocates, so after a burst of maximum-size requests an idle agent
/// would keep its grown heap for hours; one aggressive (decommitting) collection after the burst,
/// when no request is in flight, returns it (README "Limits" has the measured numbers).</summary>
public sealed class MemoryTrim
{
    /// <summary>Request bytes read since the last trim that make a trim worth its pause (~ms).</summary>
    public const long Threshold = 8 * 1024 * 1024;
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1);

    private int _inFlight;
    private long _bytesSinceTrim;
    private int _scheduled;

    public int InFlight => Volatile.Read(ref _inFlight);

    public void Enter() => Interlocked.Increment(ref _inFlight);

    public void Exit()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0 && Interlocked.Read(ref _bytesSinceTrim) >= Threshold
            && Interlocked.Exchange(ref _scheduled, 1) == 0)
            _ = TrimWhenQuietAsync();
    }

    public void Note(long bodyBytes) => Interlocked.Add(ref _bytesSinceTrim, bodyBytes);

    private async Task TrimWhenQuietAsync()
    {
        try
        {
            // Wait until a whole quiet second passes with nothing in flight.
            do await Task.Delay(Quiet);
            while (InFlight > 0);
            Interlocked.Exchange(ref _bytesSinceTrim, 0);
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }
        finally
        {
            Volatile.Write(ref _scheduled, 0);
        }
    }
}
