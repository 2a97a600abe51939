using OcciAgent.Store;

namespace OcciAgent.Tests.Store;

[Trait("Category", "Unit")]
public sealed class InMemoryEntityStoreTests : EntityStoreContract
{
    private readonly InMemoryEntityStore _store = new();

    protected override IEntityStore Store => _store;

    public override void Dispose() { }
}
