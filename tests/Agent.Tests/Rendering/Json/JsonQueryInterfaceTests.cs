using System.Text.Json;
using OcciAgent.Occi.Catalog;
using OcciAgent.Occi.Model;
using OcciAgent.Occi.Rendering;
using OcciAgent.Occi.Rendering.Json;
using static OcciAgent.Tests.Rendering.Json.JsonTestSupport;

namespace OcciAgent.Tests.Rendering.Json;

/// <summary>The query interface (GFD.226 §3.2, §3.4, §3.5.1) of the agent's real catalog.</summary>
[Trait("Category", "Unit")]
public class JsonQueryInterfaceTests
{
    private static JsonDocument Model()
    {
        var catalog = new OcciCatalog("http://node/occi/");
        catalog.SetOsTemplates([Debian]);
        catalog.SetFlavours(Templates.DefaultFlavours.Select(f => Templates.ResourceTemplate(catalog.SchemeBase, f)));
        var snap = catalog.Current;
        return JsonDocument.Parse(new JsonRenderer().Categories(new CategoryCollection(snap.Kinds, snap.Mixins, snap.Actions)).Body);
    }

    private static JsonElement Find(JsonElement array, string term, string scheme) =>
        array.EnumerateArray().Single(e => e.GetProperty("term").GetString() == term && e.GetProperty("scheme").GetString() == scheme);

    [Fact]
    public void Categories_RealCatalog_HasAllThreeKeysInOrder()
    {
        using var doc = Model();

        Assert.Equal(["kinds", "mixins", "actions"], Names(doc.RootElement));
        Assert.Equal(InfrastructureKinds.All.Count, doc.RootElement.GetProperty("kinds").GetArrayLength());
    }

    [Fact]
    public void Categories_EmptyCollection_KeepsAllKeys() =>
        Assert.Equal("""{"kinds":[],"mixins":[],"actions":[]}""",
            new JsonRenderer().Categories(new CategoryCollection([], [], [])).Body);

    [Fact]
    public void Categories_Kinds_LocationOnEveryKindButEntity()
    {
        using var doc = Model();

        foreach (var kind in doc.RootElement.GetProperty("kinds").EnumerateArray())
        {
            var isEntity = kind.GetProperty("term").GetString() == "entity";
            Assert.Equal(!isEntity, kind.TryGetProperty("location", out _));
            Assert.Equal(!isEntity, kind.TryGetProperty("parent", out _));
        }
    }

    [Fact]
    public void Categories_Mixins_EveryMixinHasLocation()
    {
        using var doc = Model();

        foreach (var mixin in doc.RootElement.GetProperty("mixins").EnumerateArray())
            Assert.StartsWith("/mixin/", mixin.GetProperty("location").GetString());
    }

    [Fact]
    public void Categories_NoClassMemberAndNoEmptyArrays()
    {
        using var doc = Model();

        foreach (var array in Names(doc.RootElement).Select(n => doc.RootElement.GetProperty(n)))
            foreach (var category in array.EnumerateArray())
            {
                Assert.False(category.TryGetProperty("class", out _));
                foreach (var p in category.EnumerateObject())
                    if (p.Value.ValueKind == JsonValueKind.Array) Assert.NotEqual(0, p.Value.GetArrayLength());
            }
    }

    [Fact]
    public void Categories_AttributeDescriptions_AlwaysTypeMutableRequiredAndPattern()
    {
        using var doc = Model();
        var count = 0;

        foreach (var array in Names(doc.RootElement).Select(n => doc.RootElement.GetProperty(n)))
            foreach (var category in array.EnumerateArray())
                if (category.TryGetProperty("attributes", out var attrs))
                    foreach (var a in attrs.EnumerateObject())
                    {
                        count++;
                        Assert.Contains(a.Value.GetProperty("type").GetString(), new[] { "string", "number", "boolean" });
                        Assert.True(a.Value.GetProperty("mutable").ValueKind is JsonValueKind.True or JsonValueKind.False, a.Name);
                        Assert.True(a.Value.GetProperty("required").ValueKind is JsonValueKind.True or JsonValueKind.False, a.Name);
                        Assert.Equal("http://json-schema.org/draft-04/schema#", a.Value.GetProperty("pattern").GetProperty("$schema").GetString());
                    }
        Assert.True(count > 30);
    }

    [Fact]
    public void Categories_ComputeKind_MatchesGoldenDescriptions()
    {
        using var doc = Model();
        var compute = Find(doc.RootElement.GetProperty("kinds"), "compute", Schemes.Infra);
        var attrs = compute.GetProperty("attributes");

        Assert.Equal(["term", "scheme", "title", "attributes", "actions", "parent", "location"], Names(compute));
        Assert.Equal("/compute/", compute.GetProperty("location").GetString());
        Assert.Equal(Schemes.Core + "resource", compute.GetProperty("parent").GetString());
        // Inherited attributes first (GFD.221 §5.3.3).
        Assert.Equal([AttributeNames.Id, AttributeNames.Title, AttributeNames.Summary], Names(attrs).Take(3));
        AssertSameJson("""
            {"mutable":true,"required":false,"type":"number",
             "pattern":{"$schema":"http://json-schema.org/draft-04/schema#","type":"integer","minimum":1},
             "default":1,"description":"Number of virtual CPU cores"}
            """, attrs.GetProperty("occi.compute.cores").GetRawText());
        AssertSameJson("""
            {"mutable":true,"required":false,"type":"number",
             "pattern":{"$schema":"http://json-schema.org/draft-04/schema#","type":"number","minimum":0,"exclusiveMinimum":true},
             "default":1.0,"description":"Maximum RAM in GiB"}
            """, attrs.GetProperty("occi.compute.memory").GetRawText());
        AssertSameJson("""
            {"mutable":false,"required":false,"type":"string",
             "pattern":{"$schema":"http://json-schema.org/draft-04/schema#","type":"string","enum":["active","inactive","suspended","error"]},
             "default":"inactive","description":"Current state of the instance"}
            """, attrs.GetProperty("occi.compute.state").GetRawText());
    }

    [Fact]
    public void Categories_ResourceTemplate_MemoryDefaultWrittenAsFloat()
    {
        using var doc = Model();
        var medium = Find(doc.RootElement.GetProperty("mixins"), "medium", "http://node/occi/infrastructure/resource_tpl#");
        var attrs = medium.GetProperty("attributes");

        Assert.Equal("2.0", attrs.GetProperty("occi.compute.memory").GetProperty("default").GetRawText());
        Assert.Equal("2", attrs.GetProperty("occi.compute.cores").GetProperty("default").GetRawText());
        Assert.Equal([Schemes.Infra + "resource_tpl"], medium.GetProperty("depends").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal([Schemes.Infra + "compute"], medium.GetProperty("applies").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void Categories_MixinWithoutAttributes_OmitsAttributesAndEmptyArrays()
    {
        using var doc = Model();
        var osTpl = Find(doc.RootElement.GetProperty("mixins"), "os_tpl", Schemes.Infra);

        Assert.Equal(["term", "scheme", "title", "applies", "location"], Names(osTpl));
    }

    [Fact]
    public void Categories_StopAction_MatchesGoldenJ1()
    {
        using var doc = Model();
        var stop = Find(doc.RootElement.GetProperty("actions"), "stop", Schemes.ComputeAction);

        AssertSameJson("""
            {"term":"stop","scheme":"http://schemas.ogf.org/occi/infrastructure/compute/action#",
             "title":"Stop the compute instance",
             "attributes":{"method":{"mutable":true,"required":false,"type":"string",
               "pattern":{"$schema":"http://json-schema.org/draft-04/schema#","type":"string","enum":["graceful","acpioff","poweroff"]},
               "default":"poweroff","description":"How to stop the instance"}}}
            """, stop.GetRawText());
    }

    [Fact]
    public void Categories_NetworkLabel_RegexInPattern()
    {
        using var doc = Model();
        var network = Find(doc.RootElement.GetProperty("kinds"), "network", Schemes.Infra);
        var label = network.GetProperty("attributes").GetProperty("occi.network.label").GetProperty("pattern");
        var vlan = network.GetProperty("attributes").GetProperty("occi.network.vlan").GetProperty("pattern");

        Assert.Equal(@"^\S+$", label.GetProperty("pattern").GetString());
        Assert.Equal(4095, vlan.GetProperty("maximum").GetInt32());
    }
}
