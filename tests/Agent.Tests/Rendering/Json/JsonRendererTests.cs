using System.Text.Json;
using OcciAgent.Occi.Catalog;
using OcciAgent.Occi.Model;
using OcciAgent.Occi.Rendering;
using OcciAgent.Occi.Rendering.Json;
using static OcciAgent.Tests.Rendering.Json.JsonTestSupport;

namespace OcciAgent.Tests.Rendering.Json;

[Trait("Category", "Unit")]
public class JsonRendererTests
{
    private readonly JsonRenderer _renderer = new();

    private const string NicJson = """
        {
          "kind": "http://schemas.ogf.org/occi/infrastructure#networkinterface",
          "id": "91c0d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e",
          "attributes": {
            "occi.core.id": "91c0d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e",
            "occi.core.source": "/compute/7d8e9f00-1122-4334-8556-677889900aab",
            "occi.core.target": "/network/6a1f0c3e-2b4d-4e8f-9a7b-1c2d3e4f5a6b",
            "occi.core.target.kind": "http://schemas.ogf.org/occi/infrastructure#network",
            "occi.core.source.kind": "http://schemas.ogf.org/occi/infrastructure#compute",
            "occi.networkinterface.interface": "tap7d8e9f00",
            "occi.networkinterface.mac": "52:54:00:7d:8e:9f",
            "occi.networkinterface.state": "active"
          },
          "source": {"location": "/compute/7d8e9f00-1122-4334-8556-677889900aab",
                     "kind": "http://schemas.ogf.org/occi/infrastructure#compute"},
          "target": {"location": "/network/6a1f0c3e-2b4d-4e8f-9a7b-1c2d3e4f5a6b",
                     "kind": "http://schemas.ogf.org/occi/infrastructure#network"}
        }
        """;

    private const string ComputeJson = """
        {
          "kind": "http://schemas.ogf.org/occi/infrastructure#compute",
          "mixins": ["http://agent.example.org/occi/infrastructure/os_tpl#debian12",
                     "http://schemas.ogf.org/occi/infrastructure/compute#user_data"],
          "id": "7d8e9f00-1122-4334-8556-677889900aab",
          "title": "web02",
          "attributes": {
            "occi.core.id": "7d8e9f00-1122-4334-8556-677889900aab",
            "occi.core.title": "web02",
            "occi.compute.architecture": "x64",
            "occi.compute.cores": 2,
            "occi.compute.memory": 4.0,
            "occi.compute.state": "active",
            "occi.compute.userdata": "I2Nsb3VkLWNvbmZpZwpwYWNrYWdlczogW25naW54XQo="
          },
          "actions": [
            "http://schemas.ogf.org/occi/infrastructure/compute/action#stop",
            "http://schemas.ogf.org/occi/infrastructure/compute/action#restart",
            "http://schemas.ogf.org/occi/infrastructure/compute/action#suspend",
            "http://schemas.ogf.org/occi/infrastructure/compute/action#save"
          ],
          "links": [
        """ + NicJson + """
          ]
        }
        """;

    [Fact]
    public void Entity_ComputeWithLink_MatchesGoldenJ3()
    {
        var output = _renderer.Entity(Compute(), "https://agent.example.org");

        Assert.Equal("application/occi+json", output.ContentType);
        Assert.Empty(output.Headers);
        AssertSameJson(ComputeJson, output.Body);
    }

    [Fact]
    public void Entity_FloatAndInteger_WrittenWithAndWithoutFraction()
    {
        var body = _renderer.Entity(Compute(), "").Body;

        Assert.Contains("\"occi.compute.cores\":2,", body);
        Assert.Contains("\"occi.compute.memory\":4.0,", body);
    }

    [Fact]
    public void Entity_LinkEntity_MatchesGolden()
    {
        var output = _renderer.Entity(Nic(), "");

        AssertSameJson(NicJson, output.Body);
    }

    [Fact]
    public void Entity_NoMixinsActionsOrLinks_OmitsEmptyArraysAndLocation()
    {
        var view = View(InfrastructureKinds.Storage, "s1", [], [], [],
            (AttributeNames.Summary, OcciValue.Str("scratch disk")),
            ("occi.storage.size", OcciValue.Float(10)));

        using var doc = JsonDocument.Parse(_renderer.Entity(view, "").Body);

        Assert.Equal(["kind", "id", "summary", "attributes"], Names(doc.RootElement));
        Assert.Equal("scratch disk", doc.RootElement.GetProperty("attributes").GetProperty("occi.core.summary").GetString());
        Assert.Equal("10.0", doc.RootElement.GetProperty("attributes").GetProperty("occi.storage.size").GetRawText());
    }

    [Fact]
    public void Entity_BooleanAttribute_WrittenAsJsonBoolean()
    {
        var view = View(InfrastructureKinds.Network, "n1", [], [], [], ("org.example.shared", OcciValue.Bool(true)));

        using var doc = JsonDocument.Parse(_renderer.Entity(view, "").Body);

        Assert.Equal(JsonValueKind.True, doc.RootElement.GetProperty("attributes").GetProperty("org.example.shared").ValueKind);
    }

    [Fact]
    public void Created_Entity_IsTheEntityObject()
    {
        var renderer = new JsonRenderer("application/json");

        var output = renderer.Created(Compute(), "https://agent.example.org");

        Assert.Equal("application/json", output.ContentType);
        AssertSameJson(ComputeJson, output.Body);
    }

    [Fact]
    public void Constructor_NonJsonMediaType_Throws() =>
        Assert.Throws<ArgumentException>(() => new JsonRenderer("text/plain"));

    [Fact]
    public void Collection_Mixed_SplitsResourcesAndLinks()
    {
        var body = _renderer.Collection([Compute(withLinks: false), Nic()], CollectionShape.Mixed, "").Body;

        AssertSameJson($$"""{"resources":[{{_renderer.Entity(Compute(withLinks: false), "").Body}}],"links":[{{NicJson}}]}""", body);
    }

    [Theory]
    [InlineData(CollectionShape.Resources, """{"resources":[]}""")]
    [InlineData(CollectionShape.Links, """{"links":[]}""")]
    [InlineData(CollectionShape.Mixed, """{"resources":[],"links":[]}""")]
    public void Collection_Empty_UsesShape(CollectionShape shape, string expected) =>
        Assert.Equal(expected, _renderer.Collection([], shape, "").Body);

    [Fact]
    public void Collection_MixedWithOnlyResources_EmitsBothKeys()
    {
        using var doc = JsonDocument.Parse(_renderer.Collection([Compute()], CollectionShape.Mixed, "").Body);

        Assert.Equal(["resources", "links"], Names(doc.RootElement));
        Assert.Equal(1, doc.RootElement.GetProperty("resources").GetArrayLength());
        Assert.Equal(0, doc.RootElement.GetProperty("links").GetArrayLength());
    }

    [Fact]
    public void Collection_ResourcesShape_OmitsLinksKey()
    {
        using var doc = JsonDocument.Parse(_renderer.Collection([Compute()], CollectionShape.Resources, "").Body);

        Assert.Equal(["resources"], Names(doc.RootElement));
    }

    [Fact]
    public void Error_StatusAndMessage_RocciShape() =>
        Assert.Equal("""{"status":409,"error":"action stop not applicable in state inactive"}""",
            _renderer.Error(409, "action stop not applicable in state inactive").Body);

    [Fact]
    public void Ok_Always_EmptyBody()
    {
        var output = _renderer.Ok();

        Assert.Equal("", output.Body);
        Assert.Equal("application/occi+json", output.ContentType);
    }
}
