using Microsoft.Extensions.Logging.Abstractions;
using OcciAgent.Config;
using OcciAgent.Hypervisor.Volumes;
using OcciAgent.Networks;
using OcciAgent.Occi.Catalog;
using OcciAgent.Occi.Model;
using OcciAgent.Occi.Rendering.Text;
using OcciAgent.Services;
using OcciAgent.Storage;
using OcciAgent.Store;
using OcciAgent.Vms;

namespace OcciAgent.Tests.Kit;

/// <summary>The entity service with the real compute, network, networkinterface and storagelink
/// backends over <see cref="FakeComputeHost"/> and <see cref="FakeNetworkHost"/>, on the
/// in-memory store: OCCI semantics and backend rules without QEMU, bridges or HTTP. Storage
/// entities only live in the store here (their backend runs qemu-img; Http/StorageTests).</summary>
public sealed class ServiceKit : IDisposable
{
    public const string Infra = "http://schemas.ogf.org/occi/infrastructure#";
    private static readonly TextPlainParser Parser = new();

    public TempDir Dir { get; } = new("occi-kit-");
    public InMemoryEntityStore Store { get; } = new();
    public OcciCatalog Catalog { get; } = new("http://node.test/occi/");
    public FakeComputeHost Computes { get; }
    public FakeNetworkHost Networks { get; }
    public ComputeKindBackend ComputeBackend { get; }
    public EntityService Service { get; }

    public ServiceKit()
    {
        Computes = new FakeComputeHost(Path.Combine(Dir.Path, "vms"));
        Networks = new FakeNetworkHost(Store, Catalog.SchemeBase + "network#nat");
        var volumes = new StorageBackend(new Qcow2VolumeDriver(new QemuImg()), Path.Combine(Dir.Path, "volumes"));
        var specs = new ComputeSpecBuilder(Computes, volumes, Store, Catalog);
        var images = new ImageLibrary(Path.Combine(Dir.Path, "images"), Catalog, NullLogger<ImageLibrary>.Instance);
        var capture = new ImageCapture(images, volumes.Driver, specs, Catalog, NullLogger<ImageCapture>.Instance);
        ComputeBackend = new ComputeKindBackend(Computes, specs, volumes.Driver, new QemuImg(), capture, Networks,
            NullLogger<ComputeKindBackend>.Instance);
        Service = new EntityService(Catalog, Store,
            [
                ComputeBackend, new StorageLinkBackend(Computes, specs),
                new NetworkKindBackend(Networks), new NetworkInterfaceBackend(Networks, Computes, Store),
            ],
            NullLogger<EntityService>.Instance, new RequestLimits(new AgentOptions()));
    }

    /// <summary>A text/plain rendering (GFD.229 §5): one header line per argument.</summary>
    public static Occi.Rendering.OcciDocument Doc(params string[] lines) =>
        Parser.Parse([], string.Concat(lines.Select(l => l + "\r\n")));

    public static string KindLine(string term) => $"Category: {term}; scheme=\"{Infra}\"; class=\"kind\"";

    public Task<Entity> CreateAsync(string kindTerm, params string[] lines) =>
        Service.CreateAsync(null, Doc([KindLine(kindTerm), .. lines]), null, CancellationToken.None);

    public async Task<Entity> ActAsync(Entity e, string term, string? method = null)
    {
        var kind = Catalog.Current.FindKind(e.KindId)!;
        var lines = new List<string> { $"Category: {term}; scheme=\"{Infra.TrimEnd('#')}/{kind.Term}/action#\"; class=\"action\"" };
        if (method is not null) lines.Add($"X-OCCI-Attribute: method=\"{method}\"");
        return (await Service.ActionAsync(Service.LocationOf(e), term, Doc([.. lines]), CancellationToken.None)).Entity;
    }

    public string PathOf(Entity e) => Service.LocationOf(e);

    /// <summary>The entity as stored now.</summary>
    public Entity Stored(Entity e) => Store.Get(e.Id) ?? throw new InvalidOperationException($"{e.Id} is not stored");

    public void Dispose() => Dir.Dispose();
}
