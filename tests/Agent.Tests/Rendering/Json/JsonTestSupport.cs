using System.Buffers;
using System.Collections.Immutable;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using OcciAgent.Occi.Catalog;
using OcciAgent.Occi.Model;
using OcciAgent.Occi.Rendering;

namespace OcciAgent.Tests.Rendering.Json;

/// <summary>Builds entity views and compares JSON texts for the JSON rendering tests.</summary>
internal static class JsonTestSupport
{
    public const string ComputeId = "7d8e9f00-1122-4334-8556-677889900aab";
    public const string NicId = "91c0d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e";
    public const string NetworkLoc = "/network/6a1f0c3e-2b4d-4e8f-9a7b-1c2d3e4f5a6b";

    public static readonly Mixin Debian = Templates.OsTemplate("http://agent.example.org/occi/",
        new ImageInfo("debian12", "/images/debian12.qcow2", null, null, null), "Debian 12 (qcow2)");

    public static EntityView View(Kind kind, string id, IReadOnlyList<Mixin> mixins,
        IReadOnlyList<OcciAction> actions, IReadOnlyList<EntityView> links,
        params (string Name, OcciValue Value)[] attributes)
    {
        var ordered = new List<KeyValuePair<string, OcciValue>> { new(AttributeNames.Id, OcciValue.Str(id)) };
        ordered.AddRange(attributes.Select(a => new KeyValuePair<string, OcciValue>(a.Name, a.Value)));
        var entity = new Entity(id, kind.Id, [.. mixins.Select(m => m.Id)],
            ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, ordered));
        return new EntityView(entity, kind, mixins, kind.Location + id, actions, ordered, links);
    }

    public static EntityView Nic() => View(InfrastructureKinds.NetworkInterface, NicId, [], [], [],
        (AttributeNames.Source, OcciValue.Str("/compute/" + ComputeId)),
        (AttributeNames.Target, OcciValue.Str(NetworkLoc)),
        (AttributeNames.TargetKind, OcciValue.Str(InfrastructureKinds.Network.Id)),
        (AttributeNames.SourceKind, OcciValue.Str(InfrastructureKinds.Compute.Id)),
        ("occi.networkinterface.interface", OcciValue.Str("tap7d8e9f00")),
        ("occi.networkinterface.mac", OcciValue.Str("52:54:00:7d:8e:9f")),
        ("occi.networkinterface.state", OcciValue.Str("active")));

    /// <summary>A GFD.226 style example: compute with two mixins, four actions and one NIC.</summary>
    public static EntityView Compute(bool withLinks = true) => View(InfrastructureKinds.Compute, ComputeId,
        [Debian, InfrastructureMixins.UserData],
        [InfrastructureKinds.Stop, InfrastructureKinds.Restart, InfrastructureKinds.Suspend, InfrastructureKinds.Save],
        withLinks ? [Nic()] : [],
        (AttributeNames.Title, OcciValue.Str("web02")),
        ("occi.compute.architecture", OcciValue.Str("x64")),
        ("occi.compute.cores", OcciValue.Int(2)),
        ("occi.compute.memory", OcciValue.Float(4.0)),
        ("occi.compute.state", OcciValue.Str("active")),
        ("occi.compute.userdata", OcciValue.Str("I2Nsb3VkLWNvbmZpZwpwYWNrYWdlczogW25naW54XQo=")));

    /// <summary>Re-serialises JSON compactly, keeping member order and number tokens as written,
    /// so an indented golden text compares byte for byte with the renderer's output.</summary>
    public static string Normalize(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            doc.RootElement.WriteTo(w);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static void AssertSameJson(string expected, string actual) =>
        Assert.Equal(Normalize(expected), Normalize(actual));

    public static IEnumerable<string> Names(JsonElement obj) => obj.EnumerateObject().Select(p => p.Name);
}
