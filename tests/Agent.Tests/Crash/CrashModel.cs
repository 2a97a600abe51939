namespace OcciAgent.Tests.Crash;

/// <summary>What the client knows about one entity: the last state the agent acknowledged
/// (a 2xx seen) and the request in flight when the agent was killed, if any. Entity ids are
/// chosen by the client (occi.core.id, as rOCCI does), so even an unanswered create is known.</summary>
public sealed class Tracked(string id, string kind, int owner)
{
    public string Id { get; } = id;
    public string Kind { get; } = kind;
    public int Owner { get; } = owner;
    public string Path => $"/{Kind}/{Id}";
    /// <summary>Acknowledged to exist (201 seen and no acknowledged delete since).</summary>
    public bool Present { get; set; }
    public string? Title { get; set; }
    /// <summary>occi.storage.state after an acknowledged online/offline.</summary>
    public string? StorageState { get; set; }
    /// <summary>A compute whose start was acknowledged: its QEMU must run after the restart.</summary>
    public bool Running { get; set; }
    /// <summary>For a storagelink: its compute and its storage.</summary>
    public Tracked? Source { get; init; }
    public Tracked? Target { get; init; }
    /// <summary>The request sent without an answer: "create", "delete", "title:X", "state:S", "action".</summary>
    public string? InFlight { get; set; }
}

public enum Expect { Present, Absent, Either }

public static class Expectations
{
    /// <summary>Whether the entity must exist after the restart. A link also goes when its
    /// compute or storage is deleted, so an unanswered delete of either leaves it open.</summary>
    public static Expect Of(Tracked t)
    {
        if (t.InFlight is "create" or "delete") return Expect.Either;
        if (!t.Present) return Expect.Absent;
        foreach (var end in new[] { t.Source, t.Target })
            if (end is not null && (end.InFlight is "create" or "delete" || !end.Present))
                return end.Present || end.InFlight is not null ? Expect.Either : Expect.Absent;
        return Expect.Present;
    }
}

/// <summary>A user mixin (POST /-/): acknowledged with 200, or in flight when the agent died.</summary>
public sealed class TrackedMixin(string term)
{
    public string Term { get; } = term;
    public bool Present { get; set; }
    public bool InFlight { get; set; }
}
