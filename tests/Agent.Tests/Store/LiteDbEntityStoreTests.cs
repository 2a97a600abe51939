using OcciAgent.Tests.Kit;
using LiteDB;
using OcciAgent.Occi.Model;
using OcciAgent.Store;

namespace OcciAgent.Tests.Store;

[Trait("Category", "Unit")]
public sealed class LiteDbEntityStoreTests : EntityStoreContract
{
    private readonly TempDir _dir = new();
    private LiteDbEntityStore _store;

    public LiteDbEntityStoreTests() => _store = LiteDbEntityStore.OpenIn(_dir.Path);

    protected override IEntityStore Store => _store;

    public override void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }

    private void Reopen()
    {
        _store.Dispose();
        _store = LiteDbEntityStore.OpenIn(_dir.Path);
    }

    [Fact]
    public void OpenIn_StateDir_CreatesOcciDb()
    {
        Assert.Equal(_dir.File("occi.db"), _store.Filename);
        Assert.True(File.Exists(_dir.File("occi.db")));
    }

    [Fact]
    public void Reopen_AfterWrites_KeepsEntitiesMixinsAndIndexes()
    {
        var vm = Samples.Entity("vm1", Samples.Compute, [Samples.Tag],
            ("occi.compute.speed", OcciValue.Float(2.0)), ("occi.compute.cores", OcciValue.Int(2)),
            ("x.flag", OcciValue.Bool(true)), (AttributeNames.Title, OcciValue.Str("é \"q\"")));
        _store.Upsert(vm);
        _store.Transaction(s => s.Upsert(Samples.Link("l1", "/compute/vm1", "/storage/d1")));
        _store.SaveUserMixin(SampleMixin("blue"));

        Reopen();

        Samples.AssertSame(vm, _store.Get("vm1"));
        Assert.Equal(ValueKind.Float, _store.Get("vm1")!.Get("occi.compute.speed")!.Value.Kind);
        Assert.Equal(["l1"], Samples.Ids(_store.LinksFrom("/compute/vm1")));
        Assert.Equal(["vm1"], Samples.Ids(_store.WithMixin(Samples.Tag)));
        Assert.Equal(["blue"], _store.UserMixins().Select(m => m.Term));
    }

    [Fact]
    public void Reopen_PendingIntent_IsStillThere()
    {
        _store.Transaction(s => s.SaveIntent(new HostIntent(IntentOp.Create, Samples.Vm("vm1", Samples.Tag))));

        Reopen();

        var intent = Assert.Single(_store.Intents());
        Assert.Equal(IntentOp.Create, intent.Op);
        Assert.Equal([Samples.Tag], intent.Entity.Mixins.ToArray());
    }

    [Fact]
    public void Reopen_AfterRolledBackTransaction_HasNoTrace()
    {
        _store.Upsert(Samples.Vm("keep"));
        Assert.Throws<InvalidOperationException>(() =>
            _store.Transaction(s => { s.Upsert(Samples.Vm("gone")); throw new InvalidOperationException(); }));

        Reopen();

        Assert.Equal(["keep"], Samples.Ids(_store.All()));
    }

    [Fact]
    public void Open_NewFile_WritesSchemaVersion()
    {
        _store.Dispose();
        using (var db = new LiteDatabase(new ConnectionString { Filename = _store.Filename, Connection = ConnectionType.Direct }))
            Assert.Equal(LiteDbEntityStore.SchemaVersion, db.GetCollection("meta").FindById("schema")["version"].AsInt32);
        _store = LiteDbEntityStore.OpenIn(_dir.Path);
    }

    [Fact]
    public void Open_SchemaVersionTooNew_ThrowsClearException()
    {
        _store.Dispose();
        using (var db = new LiteDatabase(new ConnectionString { Filename = _store.Filename, Connection = ConnectionType.Direct }))
            db.GetCollection("meta").Upsert(new BsonDocument { ["_id"] = "schema", ["version"] = LiteDbEntityStore.SchemaVersion + 1 });

        var e = Assert.Throws<StoreSchemaException>(() => LiteDbEntityStore.OpenIn(_dir.Path));

        Assert.Contains(_store.Filename, e.Message);
        Assert.Contains($"schema version {LiteDbEntityStore.SchemaVersion + 1}", e.Message);
        Assert.Contains("newer occi-agent", e.Message);
        // The failed open released the file: it can be opened again (after a fix) at once.
        using (var db = new LiteDatabase(new ConnectionString { Filename = _store.Filename, Connection = ConnectionType.Direct }))
            db.GetCollection("meta").Upsert(new BsonDocument { ["_id"] = "schema", ["version"] = LiteDbEntityStore.SchemaVersion });
        _store = LiteDbEntityStore.OpenIn(_dir.Path);
    }
}
