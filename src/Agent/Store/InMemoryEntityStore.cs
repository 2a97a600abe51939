using System.Collections.Immutable;
using OcciAgent.Occi.Model;

namespace OcciAgent.Store;

/// <summary>Entity store in memory, for fast tests of the HTTP layer. Mirrors LiteDbEntityStore's
/// semantics: writes are serialised, a transaction's writes are visible only to its own thread
/// until commit, and a throwing transaction leaves nothing behind.</summary>
public sealed class InMemoryEntityStore : IEntityStore
{
    private sealed record State(
        ImmutableSortedDictionary<string, Entity> Entities,
        ImmutableSortedDictionary<string, UserMixinRecord> Mixins,
        ImmutableSortedDictionary<string, HostIntent> Intents);

    private readonly Lock _writeGate = new();
    // Committed state, swapped whole; readers never see a half-applied write.
    private State _committed = new(
        ImmutableSortedDictionary.Create<string, Entity>(StringComparer.Ordinal),
        ImmutableSortedDictionary.Create<string, UserMixinRecord>(StringComparer.Ordinal),
        ImmutableSortedDictionary.Create<string, HostIntent>(StringComparer.Ordinal));
    // Working copy of the open transaction and its thread (written only under _writeGate).
    // _txThread is set before _pending is published, so a reader that sees _pending sees its owner.
    private volatile State? _pending;
    private int _txThread;
    private int _txDepth;

    private State Visible =>
        _pending is { } p && _txThread == Environment.CurrentManagedThreadId ? p : Volatile.Read(ref _committed);

    public Entity? Get(string id) => Visible.Entities.GetValueOrDefault(id);

    public IReadOnlyList<Entity> All() => [.. Visible.Entities.Values];

    public IReadOnlyList<Entity> ByKind(string kindId) => Where(e => e.KindId == kindId);

    public IReadOnlyList<Entity> WithMixin(string mixinId) => Where(e => e.Mixins.Contains(mixinId));

    public IReadOnlyList<Entity> LinksFrom(string sourceLocation) => Where(e => e.Source == sourceLocation);

    public IReadOnlyList<Entity> LinksTo(string targetLocation) => Where(e => e.Target == targetLocation);

    private List<Entity> Where(Func<Entity, bool> match) => [.. Visible.Entities.Values.Where(match)];

    public void Upsert(Entity e) => Write(s => s with { Entities = s.Entities.SetItem(e.Id, e) });

    public bool Delete(string id)
    {
        var found = false;
        Write(s =>
        {
            found = s.Entities.ContainsKey(id);
            return s with { Entities = s.Entities.Remove(id) };
        });
        return found;
    }

    public IReadOnlyList<UserMixinRecord> UserMixins() => [.. Visible.Mixins.Values];

    public void SaveUserMixin(UserMixinRecord m) => Write(s => s with { Mixins = s.Mixins.SetItem(m.Id, m) });

    public bool DeleteUserMixin(string typeId)
    {
        var found = false;
        Write(s =>
        {
            found = s.Mixins.ContainsKey(typeId);
            return s with { Mixins = s.Mixins.Remove(typeId) };
        });
        return found;
    }

    public IReadOnlyList<HostIntent> Intents() => [.. Visible.Intents.Values];

    public void SaveIntent(HostIntent intent) => Write(s => s with { Intents = s.Intents.SetItem(intent.EntityId, intent) });

    public bool DeleteIntent(string entityId)
    {
        var found = false;
        Write(s =>
        {
            found = s.Intents.ContainsKey(entityId);
            return s with { Intents = s.Intents.Remove(entityId) };
        });
        return found;
    }

    private void Write(Func<State, State> change)
    {
        lock (_writeGate)
        {
            if (_pending is { } p) _pending = change(p);
            else Volatile.Write(ref _committed, change(_committed));
        }
    }

    public void Transaction(Action<IEntityStore> work)
    {
        lock (_writeGate)
        {
            if (_txDepth > 0)
            {
                _txDepth++;
                try { work(this); }
                finally { _txDepth--; }
                return;
            }

            _txThread = Environment.CurrentManagedThreadId;
            _pending = _committed;
            _txDepth = 1;
            try
            {
                work(this);
                Volatile.Write(ref _committed, _pending);
            }
            finally
            {
                // On failure the working copy is simply dropped: nothing was applied.
                _pending = null;
                _txDepth = 0;
            }
        }
    }
}
