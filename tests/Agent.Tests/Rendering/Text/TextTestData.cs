using System.Collections.Immutable;
using OcciAgent.Occi.Catalog;
using OcciAgent.Occi.Model;
using OcciAgent.Occi.Rendering;

namespace OcciAgent.Tests.Rendering.Text;

/// <summary>Views and golden files shared by the text rendering tests (GFD.229 §5 style examples).</summary>
internal static class TextTestData
{
    public const string BaseUrl = "https://agent.example.org";
    public const string ComputeId = "3f2c8e1a-5b6d-4c7e-8f90-a1b2c3d4e5f6";
    public const string StorageLocation = "/storage/0b7e2a4c-9d1e-4b52-a7c1-5f3e8d2c1a90";
    public const string NetworkLocation = "/network/6a1f0c3e-2b4d-4e8f-9a7b-1c2d3e4f5a6b";
    public const string StorageLinkId = "c5d6e7f8-0a1b-4c2d-9e3f-405162738495";
    public const string NicId = "91c0d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e";

    public static readonly Mixin Debian12 = new("http://agent.example.org/occi/infrastructure/os_tpl#", "debian12",
        "Debian 12 (qcow2)", "/mixin/os_tpl/debian12/", [InfrastructureMixins.OsTpl], [InfrastructureKinds.Compute], [], []);
    public static readonly Mixin Small = new("http://agent.example.org/occi/infrastructure/resource_tpl#", "small",
        "Small", "/mixin/resource_tpl/small/", [InfrastructureMixins.ResourceTpl], [InfrastructureKinds.Compute], [], []);

    public static KeyValuePair<string, OcciValue> S(string name, string value) => new(name, OcciValue.Str(value));

    /// <summary>An EntityView whose Entity holds the given attributes plus <paramref name="extra"/>
    /// (values not rendered, e.g. target.kind), rendered in the given order.</summary>
    public static EntityView View(Kind kind, IReadOnlyList<Mixin> mixins, string id, IReadOnlyList<OcciAction> actions,
        IReadOnlyList<KeyValuePair<string, OcciValue>> attributes, IReadOnlyList<EntityView>? links = null,
        params KeyValuePair<string, OcciValue>[] extra)
    {
        var all = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, attributes.Concat(extra));
        var entity = new Entity(id, kind.Id, [.. mixins.Select(m => m.Id)], all);
        return new EntityView(entity, kind, mixins, kind.Location + id, actions, attributes, links ?? []);
    }

    public static EntityView StorageLink() => View(InfrastructureKinds.StorageLink, [], StorageLinkId, [],
    [
        S(AttributeNames.Id, StorageLinkId), S(AttributeNames.Source, "/compute/" + ComputeId),
        S(AttributeNames.Target, StorageLocation), S("occi.storagelink.deviceid", "vdb"), S("occi.storagelink.state", "active"),
    ], null, S(AttributeNames.TargetKind, Schemes.Infra + "storage"));

    public static EntityView Nic() => View(InfrastructureKinds.NetworkInterface, [], NicId, [],
    [
        S(AttributeNames.Id, NicId), S(AttributeNames.Source, "/compute/" + ComputeId),
        S(AttributeNames.Target, NetworkLocation), S("occi.networkinterface.interface", "tap3f2c8e1a"),
        S("occi.networkinterface.mac", "52:54:00:3f:2c:8e"), S("occi.networkinterface.state", "active"),
    ], null, S(AttributeNames.TargetKind, Schemes.Infra + "network"));

    /// <summary>The compute resource of example T3.</summary>
    public static EntityView T3Compute() => View(InfrastructureKinds.Compute,
        [Debian12, Small, InfrastructureMixins.SshKey], ComputeId,
        [InfrastructureKinds.Stop, InfrastructureKinds.Restart, InfrastructureKinds.Suspend, InfrastructureKinds.Save],
        [
            S(AttributeNames.Id, ComputeId), S(AttributeNames.Title, "web01"), S("occi.compute.architecture", "x64"),
            new("occi.compute.cores", OcciValue.Int(1)), new("occi.compute.memory", OcciValue.Float(1.0)),
            S("occi.compute.hostname", "web01.example.org"), S("occi.compute.state", "active"),
            S("occi.credentials.ssh.publickey", "ssh-ed25519 AAAAC3Nza... alice@laptop"),
        ],
        [StorageLink(), Nic()]);

    /// <summary>The abbreviated compute of example T4's response.</summary>
    public static EntityView T4Compute() => View(InfrastructureKinds.Compute, [Debian12], ComputeId,
        [InfrastructureKinds.Start],
        [
            S(AttributeNames.Id, ComputeId), S(AttributeNames.Title, "web01"), S("occi.compute.state", "inactive"),
            S("occi.compute.state.message", "stopped by guest shutdown"),
        ]);

    /// <summary>A golden file with CRLF line ends (stored with LF in git).</summary>
    public static string Golden(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Rendering", "Golden", name))
            .Replace("\r\n", "\n").Replace("\n", "\r\n");

    /// <summary>A golden file of "Name: value" lines as header pairs.</summary>
    public static List<KeyValuePair<string, string>> GoldenHeaders(string name) =>
    [
        .. Golden(name).Split("\r\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(l => new KeyValuePair<string, string>(l[..l.IndexOf(':')], l[(l.IndexOf(':') + 1)..].Trim())),
    ];
}
