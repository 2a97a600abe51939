using OcciAgent.Tests.Kit;
using Microsoft.Extensions.Logging.Abstractions;
using OcciAgent.Hypervisor.Volumes;
using OcciAgent.Occi.Catalog;
using OcciAgent.Occi.Model;
using OcciAgent.Occi.Rendering;
using OcciAgent.Services;
using OcciAgent.Storage;
using OcciAgent.Store;

namespace OcciAgent.Tests.Services;

/// <summary>GFD.185: when storing fails after the host was changed, the host change is
/// undone. The store is the seam: a wrapper that fails its transactions around the real
/// in-memory store (whose own behaviour is tested in Store/); the volume side is real qemu-img.</summary>
[Trait("Category", "Integration")]
public sealed class RollbackTests : IDisposable
{
    private readonly TempDir _temp = new("occi-rollback-");
    private string _dir => _temp.Path;
    public void Dispose() => _temp.Dispose();

    private sealed class FailingStore(IEntityStore inner) : IEntityStore
    {
        /// <summary>Fails every transaction after the first <see cref="Succeed"/> ones (the first of a
        /// create records its intent, the second stores the entity).</summary>
        public bool Fail { get; set; }
        public int Succeed { get; set; }
        public Entity? Get(string id) => inner.Get(id);
        public IReadOnlyList<Entity> All() => inner.All();
        public IReadOnlyList<Entity> ByKind(string kindId) => inner.ByKind(kindId);
        public IReadOnlyList<Entity> WithMixin(string mixinId) => inner.WithMixin(mixinId);
        public IReadOnlyList<Entity> LinksFrom(string sourceLocation) => inner.LinksFrom(sourceLocation);
        public IReadOnlyList<Entity> LinksTo(string targetLocation) => inner.LinksTo(targetLocation);
        public void Upsert(Entity e) => inner.Upsert(e);
        public bool Delete(string id) => inner.Delete(id);
        public void Transaction(Action<IEntityStore> work)
        {
            if (Fail && Succeed-- <= 0) throw new IOException("disk full (simulated)");
            inner.Transaction(work);
        }
        public IReadOnlyList<UserMixinRecord> UserMixins() => inner.UserMixins();
        public void SaveUserMixin(UserMixinRecord m) => inner.SaveUserMixin(m);
        public bool DeleteUserMixin(string typeId) => inner.DeleteUserMixin(typeId);
        public IReadOnlyList<HostIntent> Intents() => inner.Intents();
        public void SaveIntent(HostIntent intent) => inner.SaveIntent(intent);
        public bool DeleteIntent(string entityId) => inner.DeleteIntent(entityId);
    }

    [Fact]
    public async Task CreateStorage_StoreFails_VolumeIsRemovedAndNothingStored()
    {
        var volumes = Path.Combine(_dir, "volumes");
        var inner = new InMemoryEntityStore();
        var store = new FailingStore(inner) { Fail = true, Succeed = 1 };
        var computes = new OcciAgent.Vms.ComputeHost(new OcciAgent.Config.AgentOptions { StateDir = _dir }, new OcciAgent.Vms.VmStatusChanges(), NullLogger<OcciAgent.Vms.ComputeHost>.Instance);
        var storage = new StorageBackend(new Qcow2VolumeDriver(new QemuImg()), volumes);
        var catalog = new OcciCatalog("http://node.test/occi/");
        var backend = new StorageKindBackend(storage, store, computes, new OcciAgent.Vms.ComputeSpecBuilder(computes, storage, store, catalog),
            NullLogger<StorageKindBackend>.Instance);
        var service = new EntityService(new OcciCatalog("http://node.test/occi/"), store, [backend], NullLogger<EntityService>.Instance, new OcciAgent.Config.RequestLimits(new OcciAgent.Config.AgentOptions()));
        var doc = new OcciDocument();
        doc.Categories.Add(new CategoryRendering("storage", Schemes.Infra, "kind"));
        doc.Attributes.Add(new("occi.storage.size", OcciValue.Float(0.25)));

        var e = await Assert.ThrowsAsync<IOException>(() => service.CreateAsync(null, doc, null, CancellationToken.None));

        Assert.Contains("simulated", e.Message);
        Assert.Empty(Directory.Exists(volumes) ? Directory.GetFiles(volumes) : []);
        Assert.Empty(store.All());
        // The intent was written before qemu-img ran (the first transaction); the store still
        // fails, so clearing it failed too: it stays for the next start, which finds nothing to undo.
        Assert.Equal(IntentOp.Create, Assert.Single(inner.Intents()).Op);

        store.Fail = false;
        var created = await service.CreateAsync(null, doc, null, CancellationToken.None);
        Assert.True(File.Exists(Path.Combine(volumes, created.Id + ".qcow2")));
    }
}
