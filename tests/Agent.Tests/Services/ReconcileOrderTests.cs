using Microsoft.Extensions.Logging.Abstractions;
using OcciAgent.Config;
using OcciAgent.Occi.Catalog;
using OcciAgent.Occi.Model;
using OcciAgent.Services;
using OcciAgent.Store;

namespace OcciAgent.Tests.Services;

/// <summary>The start-up reconcile runs the backends in EntityService.ReconcileOrder, whatever
/// order they were registered in: bridges before taps, volumes and taps before VMs.</summary>
[Trait("Category", "Unit")]
public sealed class ReconcileOrderTests
{
    private sealed class Recording(Kind kind, List<string> log) : IKindBackend
    {
        public Kind Kind => kind;
        public Task<Entity> CreateAsync(Entity entity, IReadOnlyList<Mixin> mixins, CancellationToken ct) => Task.FromResult(entity);
        public Task UndoCreateAsync(Entity entity) => Task.CompletedTask;
        public Task<Entity> UpdateAsync(Entity current, Entity updated, CancellationToken ct) => Task.FromResult(updated);
        public Task DeleteAsync(Entity entity, CancellationToken ct) => Task.CompletedTask;
        public Task<Entity> ObserveAsync(Entity entity, CancellationToken ct) => Task.FromResult(entity);
        public Task<ActionOutcome> ActAsync(Entity entity, OcciAction action, IReadOnlyDictionary<string, OcciValue> parameters, CancellationToken ct) =>
            throw new NotSupportedException();

        public Task<IReadOnlyList<Entity>> ReconcileAsync(IReadOnlyList<Entity> stored, CancellationToken ct)
        {
            log.Add(kind.Term);
            return Task.FromResult<IReadOnlyList<Entity>>([]);
        }
    }

    [Fact]
    public async Task Backends_ReconcileNetworksInterfacesStorageComputesLinksWhateverTheRegistrationOrder()
    {
        var log = new List<string>();
        var registered = new[]
        {
            InfrastructureKinds.StorageLink, InfrastructureKinds.Compute, InfrastructureKinds.Storage,
            InfrastructureKinds.NetworkInterface, InfrastructureKinds.Network,
        };
        var service = new EntityService(new OcciCatalog("http://node.test/occi/"), new InMemoryEntityStore(),
            registered.Select(k => (IKindBackend)new Recording(k, log)), NullLogger<EntityService>.Instance,
            new RequestLimits(new AgentOptions()));

        await service.ReconcileAsync(CancellationToken.None);

        Assert.Equal(["network", "networkinterface", "storage", "compute", "storagelink"], log);
    }
}
