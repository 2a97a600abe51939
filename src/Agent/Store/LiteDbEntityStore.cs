using System.Globalization;
using LiteDB;
using OcciAgent.Occi.Model;

namespace OcciAgent.Store;

/// <summary>Entity store on LiteDB 5, through <see cref="BsonDocument"/> only (docs/host-notes.md: LiteDB
/// under AOT). The caller must hold <see cref="StateDirLock"/> first: <c>Connection=direct</c> only
/// takes a shared flock, so a second process could open and corrupt the same file.</summary>
public sealed class LiteDbEntityStore : IEntityStore, IDisposable
{
    /// <summary>Bump when the document shapes change incompatibly; older agents then refuse the file.</summary>
    public const int SchemaVersion = 1;

    private readonly LiteDatabase _db;
    private readonly ILiteCollection<BsonDocument> _entities;
    private readonly ILiteCollection<BsonDocument> _mixins;
    private readonly ILiteCollection<BsonDocument> _intents;

    // LiteDB transactions belong to a thread; one writer at a time keeps a request's batch from
    // interleaving with another's. Lock is re-entrant, so Transaction's work can call Upsert.
    private readonly Lock _writeGate = new();
    private int _txDepth;

    public LiteDbEntityStore(string filename)
    {
        Filename = filename;
        _db = new LiteDatabase(new ConnectionString
        {
            Filename = filename,
            Connection = ConnectionType.Direct,
            // Ids, kinds and locations are case-sensitive; LiteDB's default collation ignores case.
            // Collation only takes effect when the file is created.
            Collation = new Collation(CultureInfo.InvariantCulture.LCID, CompareOptions.Ordinal),
        });
        try
        {
            CheckSchema();
            _entities = _db.GetCollection("entities", BsonAutoId.ObjectId);
            _mixins = _db.GetCollection("user_mixins", BsonAutoId.ObjectId);
            // A new collection, not a new shape: older files simply have none, so the schema stays 1.
            _intents = _db.GetCollection("intents", BsonAutoId.ObjectId);
            _entities.EnsureIndex(EntityBson.Kind, "$." + EntityBson.Kind);
            _entities.EnsureIndex(EntityBson.Mixins, "$." + EntityBson.Mixins + "[*]");
            _entities.EnsureIndex(EntityBson.Source, "$." + EntityBson.Source);
            _entities.EnsureIndex(EntityBson.Target, "$." + EntityBson.Target);
        }
        catch
        {
            _db.Dispose();
            throw;
        }
    }

    public string Filename { get; }

    /// <summary>Opens <c>&lt;stateDir&gt;/occi.db</c>; take <see cref="StateDirLock"/> before this.</summary>
    public static LiteDbEntityStore OpenIn(string stateDir) => new(Path.Combine(stateDir, "occi.db"));

    private void CheckSchema()
    {
        var meta = _db.GetCollection("meta", BsonAutoId.ObjectId);
        var schema = meta.FindById("schema");
        if (schema is null)
        {
            meta.Insert(new BsonDocument { ["_id"] = "schema", ["version"] = SchemaVersion });
            return;
        }
        var version = schema["version"].AsInt32;
        if (version > SchemaVersion)
            throw new StoreSchemaException(
                $"database '{Filename}' has schema version {version}, but this occi-agent only knows " +
                $"version {SchemaVersion}: it was written by a newer occi-agent; upgrade occi-agent " +
                "or restore a backup of the state directory");
    }

    public Entity? Get(string id) =>
        _entities.FindById(id) is { } doc ? EntityBson.FromBson(doc) : null;

    public IReadOnlyList<Entity> All() => Map(_entities.FindAll());

    public IReadOnlyList<Entity> ByKind(string kindId) =>
        Map(_entities.Find(Query.EQ("$." + EntityBson.Kind, kindId)));

    public IReadOnlyList<Entity> WithMixin(string mixinId) =>
        Map(_entities.Find(BsonExpression.Create("$." + EntityBson.Mixins + "[*] ANY = @0", mixinId)));

    public IReadOnlyList<Entity> LinksFrom(string sourceLocation) =>
        Map(_entities.Find(Query.EQ("$." + EntityBson.Source, sourceLocation)));

    public IReadOnlyList<Entity> LinksTo(string targetLocation) =>
        Map(_entities.Find(Query.EQ("$." + EntityBson.Target, targetLocation)));

    // Index scans return index order; sort by id so both stores list alike.
    private static List<Entity> Map(IEnumerable<BsonDocument> docs) =>
        [.. docs.Select(EntityBson.FromBson).OrderBy(e => e.Id, StringComparer.Ordinal)];

    public void Upsert(Entity e)
    {
        var doc = EntityBson.ToBson(e);
        lock (_writeGate) _entities.Upsert(doc);
    }

    public bool Delete(string id)
    {
        lock (_writeGate) return _entities.Delete(id);
    }

    public void Transaction(Action<IEntityStore> work)
    {
        lock (_writeGate)
        {
            // A nested call joins the outer transaction: its failure propagates and undoes all.
            if (_txDepth > 0)
            {
                _txDepth++;
                try { work(this); }
                finally { _txDepth--; }
                return;
            }

            if (!_db.BeginTrans())
                throw new InvalidOperationException("LiteDB already has a transaction open on this thread");
            _txDepth = 1;
            try
            {
                work(this);
                _db.Commit();
            }
            catch
            {
                _db.Rollback();
                throw;
            }
            finally
            {
                _txDepth = 0;
            }
        }
    }

    public IReadOnlyList<UserMixinRecord> UserMixins() =>
        [.. _mixins.FindAll().Select(UserMixinBson.FromBson).OrderBy(m => m.Id, StringComparer.Ordinal)];

    public void SaveUserMixin(UserMixinRecord m)
    {
        var doc = UserMixinBson.ToBson(m);
        lock (_writeGate) _mixins.Upsert(doc);
    }

    public bool DeleteUserMixin(string typeId)
    {
        lock (_writeGate) return _mixins.Delete(typeId);
    }

    public IReadOnlyList<HostIntent> Intents() =>
        [.. _intents.FindAll().Select(HostIntentBson.FromBson).OrderBy(i => i.EntityId, StringComparer.Ordinal)];

    public void SaveIntent(HostIntent intent)
    {
        var doc = HostIntentBson.ToBson(intent);
        lock (_writeGate) _intents.Upsert(doc);
    }

    public bool DeleteIntent(string entityId)
    {
        lock (_writeGate) return _intents.Delete(entityId);
    }

    public void Dispose() => _db.Dispose();
}
