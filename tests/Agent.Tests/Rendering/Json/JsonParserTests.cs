using OcciAgent.Occi.Model;
using OcciAgent.Occi.Rendering;
using OcciAgent.Occi.Rendering.Json;

namespace OcciAgent.Tests.Rendering.Json;

[Trait("Category", "Unit")]
public partial class JsonParserTests
{
    private static OcciDocument Parse(string body) => new JsonParser().Parse([], body);

    private static string Attr(OcciDocument doc, string name) => doc.Attributes.Single(a => a.Key == name).Value.ToInvariantString();

    private const string J2 = """
        {
          "kind": "http://schemas.ogf.org/occi/infrastructure#compute",
          "mixins": [
            "http://agent.example.org/occi/infrastructure/os_tpl#debian12",
            "http://schemas.ogf.org/occi/infrastructure/compute#user_data"
          ],
          "title": "web02",
          "attributes": {
            "occi.compute.cores": 2,
            "occi.compute.memory": 4.0,
            "occi.compute.userdata": "I2Nsb3VkLWNvbmZpZwpwYWNrYWdlczogW25naW54XQo="
          },
          "links": [
            {
              "kind": "http://schemas.ogf.org/occi/infrastructure#networkinterface",
              "id": "n-1",
              "source": {"location": "/compute/", "kind": "http://schemas.ogf.org/occi/infrastructure#compute"},
              "target": {"location": "/network/6a1f0c3e-2b4d-4e8f-9a7b-1c2d3e4f5a6b",
                         "kind": "http://schemas.ogf.org/occi/infrastructure#network"}
            }
          ]
        }
        """;

    [Fact]
    public void Parse_J2CreateWithInlineLink_KindMixinsAttributesAndLink()
    {
        var doc = Parse(J2);

        Assert.Equal(
            [("compute", Schemes.Infra, "kind"), ("debian12", "http://agent.example.org/occi/infrastructure/os_tpl#", "mixin"),
             ("user_data", Schemes.Compute, "mixin")],
            doc.Categories.Select(c => (c.Term, c.Scheme, c.Class)));
        Assert.Equal([AttributeNames.Title, "occi.compute.cores", "occi.compute.memory", "occi.compute.userdata"],
            doc.Attributes.Select(a => a.Key));
        Assert.Equal("web02", Attr(doc, AttributeNames.Title));
        Assert.Equal(OcciValue.Int(2), doc.Attributes[1].Value);
        Assert.Equal(OcciValue.Float(4.0), doc.Attributes[2].Value);

        var link = Assert.Single(doc.Links);
        Assert.Equal("/network/6a1f0c3e-2b4d-4e8f-9a7b-1c2d3e4f5a6b", link.Target);
        Assert.Equal([Schemes.Infra + "network"], link.Rel);
        Assert.Equal([Schemes.Infra + "networkinterface"], link.Categories);
        // Inline link source is ignored (docs/conformance.md); the id is passed on for the server to judge.
        var attr = Assert.Single(link.Attributes);
        Assert.Equal(new KeyValuePair<string, OcciValue>(AttributeNames.Id, OcciValue.Str("n-1")), attr);
    }

    [Fact]
    public void Parse_IdMemberAndAttribute_SameValueOnce()
    {
        var doc = Parse("""
            {"kind":"http://schemas.ogf.org/occi/infrastructure#storage","id":"s1",
             "attributes":{"occi.core.id":"s1","occi.storage.size":10}}
            """);

        Assert.Single(doc.Attributes, a => a.Key == AttributeNames.Id);
        Assert.Equal(OcciValue.Int(10), doc.Attributes.Single(a => a.Key == "occi.storage.size").Value);
    }

    [Fact]
    public void Parse_IdMemberOnly_BecomesFirstAttribute()
    {
        var doc = Parse("""{"kind":"http://schemas.ogf.org/occi/core#resource","attributes":{"a.b":true},"id":"x","summary":"s"}""");

        Assert.Equal([AttributeNames.Id, AttributeNames.Summary, "a.b"], doc.Attributes.Select(a => a.Key));
        Assert.Equal(OcciValue.Bool(true), doc.Attributes[2].Value);
    }

    [Fact]
    public void Parse_LinkEntity_SourceAndTargetBecomeCoreAttributes()
    {
        var doc = Parse("""
            {"kind":"http://schemas.ogf.org/occi/infrastructure#storagelink",
             "attributes":{"occi.storagelink.deviceid":"vdb"},
             "source":{"location":"/compute/c1","kind":"http://schemas.ogf.org/occi/infrastructure#compute"},
             "target":{"location":"/storage/s1","kind":"http://schemas.ogf.org/occi/infrastructure#storage"}}
            """);

        Assert.Equal("/compute/c1", Attr(doc, AttributeNames.Source));
        Assert.Equal("/storage/s1", Attr(doc, AttributeNames.Target));
        Assert.Equal(Schemes.Infra + "storage", Attr(doc, AttributeNames.TargetKind));
        Assert.DoesNotContain(doc.Attributes, a => a.Key == AttributeNames.SourceKind);
        Assert.Empty(doc.Links);
    }

    [Fact]
    public void Parse_J4ActionInvocation_ActionCategoryAndParameters()
    {
        var doc = Parse("""
            {"action": "http://schemas.ogf.org/occi/infrastructure/compute/action#suspend",
             "attributes": {"method": "hibernate"}}
            """);

        var category = Assert.Single(doc.Categories);
        Assert.Equal(("suspend", Schemes.ComputeAction, "action"), (category.Term, category.Scheme, category.Class));
        Assert.Equal([new KeyValuePair<string, OcciValue>("method", OcciValue.Str("hibernate"))], doc.Attributes);
    }

    [Fact]
    public void Parse_J6UserMixinCollection_MixinWithTitleAndLocation()
    {
        var doc = Parse("""
            {"mixins": [{"term": "prod", "scheme": "http://agent.example.org/occi/users/alice/tags#",
                         "title": "production", "location": "/tags/alice/prod/"}]}
            """);

        var mixin = Assert.Single(doc.Categories);
        Assert.Equal(new CategoryRendering("prod", "http://agent.example.org/occi/users/alice/tags#", "mixin")
            { Title = "production", Location = "/tags/alice/prod/" }, mixin with { Rel = [], Attributes = [], Actions = [] });
        Assert.Empty(mixin.Rel);
    }

    [Fact]
    public void Parse_SingleMixinObject_DependsAppliesAttributesActions()
    {
        var doc = Parse("""
            {"term":"gpu","scheme":"http://example.org/tags#","location":"/tags/gpu/",
             "depends":["http://example.org/tags#hw"],"applies":["http://schemas.ogf.org/occi/infrastructure#compute"],
             "attributes":{"org.example.gpus":{"mutable":true,"type":"number","pattern":"^\\d+$"},"org.example.vendor":{"required":true}},
             "actions":["http://example.org/tags/action#reset"]}
            """);

        var mixin = Assert.Single(doc.Categories);
        Assert.Equal("mixin", mixin.Class);
        Assert.Equal(["http://example.org/tags#hw", Schemes.Infra + "compute"], mixin.Rel);
        Assert.Equal([new AttributeDef("org.example.gpus", false, false), new AttributeDef("org.example.vendor", true, true)],
            mixin.Attributes);
        Assert.Equal(["http://example.org/tags/action#reset"], mixin.Actions);
    }

    [Fact]
    public void Parse_CategoryIdentifiersDocument_MixinTermsAndSchemes()
    {
        var doc = Parse("""{"mixins":["http://example.org/tags#prod","http://schemas.ogf.org/occi/infrastructure#os_tpl"]}""");

        Assert.Equal([("prod", "http://example.org/tags#"), ("os_tpl", Schemes.Infra)], doc.Categories.Select(c => (c.Term, c.Scheme)));
        Assert.All(doc.Categories, c => Assert.Equal("mixin", c.Class));
    }

    [Fact]
    public void Parse_Rocci4NestedAttributes_Flattened()
    {
        var doc = Parse("""
            {"resources":[{"kind":"http://schemas.ogf.org/occi/infrastructure#compute",
              "attributes":{"occi":{"core":{"id":"abc","title":"vm1"},"compute":{"cores":2,"memory":1.5}}}}]}
            """);

        Assert.Equal(
            [("occi.core.id", "abc"), ("occi.core.title", "vm1"), ("occi.compute.cores", "2"), ("occi.compute.memory", "1.5")],
            doc.Attributes.Select(a => (a.Key, a.Value.ToInvariantString())));
        Assert.Equal(ValueKind.Integer, doc.Attributes[2].Value.Kind);
        Assert.Equal("kind", Assert.Single(doc.Categories).Class);
    }

    [Fact]
    public void Parse_TopLevelArray_Locations()
    {
        var doc = Parse("""["/compute/a","https://agent.example.org/compute/b"]""");

        Assert.Equal(["/compute/a", "https://agent.example.org/compute/b"], doc.Locations);
    }

    [Fact]
    public void Parse_ResourcesOfStringsAndReferences_LocationsAndEntityRefs()
    {
        var doc = Parse("""
            {"resources":["/compute/a",{"kind":"http://schemas.ogf.org/occi/infrastructure#compute","id":"b"},
                          {"id":"c","location":"/compute/c"}],
             "links":[{"id":"l1"}]}
            """);

        Assert.Equal(["/compute/a", "/compute/c"], doc.Locations);
        Assert.Equal([new EntityRef(Schemes.Infra + "compute", "b"), new EntityRef(null, "l1")], doc.EntityRefs);
        Assert.Empty(doc.Categories);
    }

    [Fact]
    public void Parse_ResourcesOfFullEntities_FirstInDocumentRestInMoreEntities()
    {
        var doc = Parse("""
            {"resources":[
              {"kind":"http://schemas.ogf.org/occi/infrastructure#compute","attributes":{"occi.compute.cores":1}},
              {"kind":"http://schemas.ogf.org/occi/infrastructure#storage","id":"s","attributes":{"occi.storage.size":1.0}},
              {"kind":"http://schemas.ogf.org/occi/infrastructure#network"}]}
            """);

        Assert.Equal("compute", Assert.Single(doc.Categories).Term);
        Assert.Equal(2, doc.MoreEntities.Count);
        Assert.Equal("storage", doc.MoreEntities[0].Categories[0].Term);
        Assert.Equal("s", Attr(doc.MoreEntities[0], AttributeNames.Id));
        Assert.Equal("network", doc.MoreEntities[1].Categories[0].Term);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \r\n ")]
    [InlineData("{}")]
    [InlineData("""{"resources":[]}""")]
    public void Parse_EmptyBody_EmptyDocument(string body) => Assert.True(Parse(body).IsEmpty);

    [Fact]
    public void Parse_ToleratedMembers_LocationRelActionsIgnored()
    {
        var doc = Parse("""
            {"kind":"http://schemas.ogf.org/occi/infrastructure#compute","location":"/compute/x","rel":"r",
             "actions":["http://schemas.ogf.org/occi/infrastructure/compute/action#start"]}
            """);

        Assert.Single(doc.Categories);
        Assert.Empty(doc.Attributes);
    }

    [Fact]
    public void Parse_NumberTokens_IntegerUnlessFractionOrExponent()
    {
        var doc = Parse("""{"action":"http://e.org/a#x","attributes":{"a":2,"b":2.0,"c":1e3,"d":-7,"e":99999999999999999999}}""");

        Assert.Equal([ValueKind.Integer, ValueKind.Float, ValueKind.Float, ValueKind.Integer, ValueKind.Float],
            doc.Attributes.Select(a => a.Value.Kind));
        Assert.Equal(1000.0, doc.Attributes[2].Value.AsDouble);
    }
}
