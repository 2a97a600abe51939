using OcciAgent.Occi.Rendering.Text;

namespace OcciAgent.Tests.Rendering.Text;

/// <summary>text/occi request parsing: headers only, repeated fields and comma lists (GFD.229 §7).</summary>
[Trait("Category", "Unit")]
public class TextOcciParserTests
{
    private static readonly TextOcciParser Parser = new();
    private const string Infra = "http://schemas.ogf.org/occi/infrastructure#";

    [Fact]
    public void Parse_RepeatedHeadersAndCommaLists_CollectsAllInOrder()
    {
        var doc = Parser.Parse(
        [
            new("Host", "x"),
            new("Category", $"compute; scheme=\"{Infra}\"; class=\"kind\""),
            new("Category", $"os_tpl; scheme=\"{Infra}\"; class=\"mixin\", resource_tpl; scheme=\"{Infra}\"; class=\"mixin\""),
            new("X-OCCI-Attribute", "occi.compute.cores=2, occi.core.title=\"a, b\""),
            new("X-OCCI-Attribute", "occi.compute.memory=1.5"),
            new("X-OCCI-Location", "/compute/1, /compute/2"),
            new("Link", "</storage/1>; rel=\"" + Infra + "storage\", </network/1>; rel=\"" + Infra + "network\""),
        ], "Category: ignored; scheme=\"http://x#\"");

        Assert.Equal(["compute", "os_tpl", "resource_tpl"], doc.Categories.Select(c => c.Term));
        Assert.Equal(["occi.compute.cores", "occi.core.title", "occi.compute.memory"], doc.Attributes.Select(a => a.Key));
        Assert.Equal("a, b", doc.Attributes[1].Value.AsString);
        Assert.Equal(["/compute/1", "/compute/2"], doc.Locations);
        Assert.Equal(["/storage/1", "/network/1"], doc.Links.Select(l => l.Target));
    }

    [Fact]
    public void Parse_OcciWgQuotesEscapingHeader_YieldsTwoAttributes()
    {
        var doc = Parser.Parse([new("X-OCCI-Attribute",
            "occi.compute.memory=3.6, occi.core.title=\"How's your quotes escaping? \\\", occi.compute.memory=1.0\"")], "");
        Assert.Equal(2, doc.Attributes.Count);
        Assert.Equal(3.6, doc.Attributes[0].Value.AsDouble);
        Assert.Equal("How's your quotes escaping? \", occi.compute.memory=1.0", doc.Attributes[1].Value.AsString);
    }

    [Fact]
    public void Parse_LowercaseAndUnderscoreNames_Recognised()
    {
        var doc = Parser.Parse([new("x_occi_attribute", "a=1"), new("x-occi-category", $"compute; scheme=\"{Infra}\"")], "");
        Assert.Single(doc.Attributes);
        Assert.Single(doc.Categories);
    }

    [Fact]
    public void Parse_NoOcciHeaders_EmptyDocument()
    {
        Assert.True(Parser.Parse([new("Accept", "text/occi")], "OK").IsEmpty);
    }

    [Fact]
    public void IsOcciHeader_KnownAndUnknownNames_Classified()
    {
        Assert.True(TextHeaders.IsOcciHeader("X-OCCI-Location"));
        Assert.True(TextHeaders.IsOcciHeader("link"));
        Assert.False(TextHeaders.IsOcciHeader("Location"));
        Assert.False(TextHeaders.IsOcciHeader("Content-Type"));
    }
}
