using OcciAgent.Occi.Model;

namespace OcciAgent.Store;

/// <summary>Persistence of entities and user-defined mixins. Synchronous on purpose: the only real
/// implementation (LiteDB) is in-process, so async would only add state machines. Lists come back
/// ordered by id (ordinal) so renderings are stable.</summary>
public interface IEntityStore
{
    Entity? Get(string id);
    IReadOnlyList<Entity> All();
    /// <summary>Entities whose kind is exactly <paramref name="kindId"/>; the caller expands
    /// sub-kinds (the store knows no catalog).</summary>
    IReadOnlyList<Entity> ByKind(string kindId);
    IReadOnlyList<Entity> WithMixin(string mixinId);
    /// <summary>Links whose <c>occi.core.source</c> equals <paramref name="sourceLocation"/>.</summary>
    IReadOnlyList<Entity> LinksFrom(string sourceLocation);
    /// <summary>Links whose <c>occi.core.target</c> equals <paramref name="targetLocation"/>.</summary>
    IReadOnlyList<Entity> LinksTo(string targetLocation);

    /// <summary>Inserts or replaces the whole entity.</summary>
    void Upsert(Entity e);
    bool Delete(string id);

    /// <summary>Runs <paramref name="work"/> atomically: if it throws, none of its writes are kept
    /// (OCCI 1.1 batch atomicity) and the exception propagates. Writes from other threads wait
    /// until it ends; readers on other threads keep seeing the last committed state. The work must
    /// stay on the calling thread (it is given the store itself) and may nest further calls.</summary>
    void Transaction(Action<IEntityStore> work);

    IReadOnlyList<UserMixinRecord> UserMixins();
    /// <summary>Inserts or replaces the mixin with the same type identifier.</summary>
    void SaveUserMixin(UserMixinRecord m);
    bool DeleteUserMixin(string typeId);

    /// <summary>Pending host changes (see <see cref="HostIntent"/>), ordered by entity id.</summary>
    IReadOnlyList<HostIntent> Intents();
    /// <summary>Inserts or replaces the intent for the same entity id.</summary>
    void SaveIntent(HostIntent intent);
    bool DeleteIntent(string entityId);
}

/// <summary>What is needed to rebuild a client-created mixin (GFD.221 §5.5.3) at start-up:
/// <see cref="Depends"/> are mixin ids, <see cref="Applies"/> kind ids, resolved by the catalog.</summary>
public sealed record UserMixinRecord(
    string Scheme,
    string Term,
    string? Title,
    string Location,
    IReadOnlyList<string> Depends,
    IReadOnlyList<string> Applies)
{
    /// <summary>Type identifier: scheme + term.</summary>
    public string Id => Scheme + Term;
}
