using OcciAgent.Occi.Model;
using OcciAgent.Occi.Rendering.Text;

namespace OcciAgent.Tests.Rendering.Text;

/// <summary>Lenient parsing of text/plain bodies (GFD.229 §6; docs/conformance.md).</summary>
[Trait("Category", "Unit")]
public class TextPlainParserTests
{
    private static readonly TextPlainParser Parser = new();
    private const string Infra = "http://schemas.ogf.org/occi/infrastructure#";

    [Fact]
    public void Parse_OcciWgQuotesEscapingLine_YieldsExactlyTwoAttributes()
    {
        const string line = "X-OCCI-Attribute: occi.compute.memory=3.6, occi.core.title=\"How's your quotes escaping? \\\", occi.compute.memory=1.0\"";
        var doc = Parser.Parse([], line);

        Assert.Equal(2, doc.Attributes.Count);
        Assert.Equal("occi.compute.memory", doc.Attributes[0].Key);
        Assert.Equal(ValueKind.Float, doc.Attributes[0].Value.Kind);
        Assert.Equal(3.6, doc.Attributes[0].Value.AsDouble);
        Assert.Equal("occi.core.title", doc.Attributes[1].Key);
        Assert.Equal("How's your quotes escaping? \", occi.compute.memory=1.0", doc.Attributes[1].Value.AsString);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\n\r")]
    public void Parse_AnyLineEnding_ReadsEveryLine(string eol)
    {
        var body = $"Category: compute; scheme=\"{Infra}\"; class=\"kind\"{eol}{eol}X-OCCI-Attribute: occi.compute.cores=2{eol}X-OCCI-Attribute: occi.core.title=\"a\"{eol}";
        var doc = Parser.Parse([], body);
        Assert.Single(doc.Categories);
        Assert.Equal(["occi.compute.cores", "occi.core.title"], doc.Attributes.Select(a => a.Key));
        Assert.Equal(2, doc.Attributes[0].Value.AsInteger);
    }

    [Fact]
    public void Parse_Rocci11Forms_NoSpaceUnquotedClassTrailingSemicolon()
    {
        var doc = Parser.Parse([], $"Category: compute;scheme=\"{Infra}\";class=kind;\r\n");
        var c = Assert.Single(doc.Categories);
        Assert.Equal("compute", c.Term);
        Assert.Equal(Infra, c.Scheme);
        Assert.Equal("kind", c.Class);
    }

    [Fact]
    public void Parse_MissingClass_ClassIsNull()
    {
        var doc = Parser.Parse([], "Category: start; scheme=\"http://schemas.ogf.org/occi/infrastructure/compute/action#\"");
        var c = Assert.Single(doc.Categories);
        Assert.Equal("start", c.Term);
        Assert.Null(c.Class);
    }

    [Fact]
    public void Parse_WhitespaceAroundSeparators_Accepted()
    {
        var doc = Parser.Parse([], $"Category:   compute ;  scheme = \"{Infra}\" ; class = \"kind\" ;  ");
        Assert.Equal(Infra + "compute", Assert.Single(doc.Categories).Id);
    }

    [Theory]
    [InlineData("X-OCCI-Category")]
    [InlineData("category")]
    [InlineData("CATEGORY")]
    [InlineData("x_occi_category")]
    public void Parse_HeaderNameVariants_Recognised(string name)
    {
        var doc = Parser.Parse([], $"{name}: compute; scheme=\"{Infra}\"; class=\"kind\"");
        Assert.Single(doc.Categories);
    }

    [Fact]
    public void Parse_AttributeAndLocationNameVariants_Recognised()
    {
        var doc = Parser.Parse([], "X_occi_attribute: a=1\nx-occi-location: /compute/1\nX-OCCI-Link: </network/1>; rel=\"" + Infra + "network\"");
        Assert.Single(doc.Attributes);
        Assert.Equal(["/compute/1"], doc.Locations);
        Assert.Single(doc.Links);
    }

    [Fact]
    public void Parse_CommaListOfCategories_SplitsOutsideQuotes()
    {
        var doc = Parser.Parse([], $"Category: compute; scheme=\"{Infra}\"; class=\"kind\", os_tpl; scheme=\"{Infra}\"; class=\"mixin\"; title=\"a, b\"");
        Assert.Equal(["compute", "os_tpl"], doc.Categories.Select(c => c.Term));
        Assert.Equal("a, b", doc.Categories[1].Title);
    }

    [Fact]
    public void Parse_CategoryDefinition_ReadsAllParameters()
    {
        var doc = Parser.Parse([], "Category: prod; scheme=\"http://x/tags#\"; class=\"mixin\"; title=\"Prod\"; " +
            $"rel=\"{Infra}os_tpl http://x/other#m\"; location=\"/tags/prod/\"; attributes=\"a.b{{immutable required}} c {{ required }} d{{immutable}} e\"; " +
            $"actions=\"http://x/act#go http://x/act#stop\"");
        var c = Assert.Single(doc.Categories);
        Assert.Equal("Prod", c.Title);
        Assert.Equal([Infra + "os_tpl", "http://x/other#m"], c.Rel);
        Assert.Equal("/tags/prod/", c.Location);
        Assert.Equal(
            [new("a.b", true, true), new("c", false, true), new("d", true, false), new("e", false, false)],
            c.Attributes);
        Assert.Equal(["http://x/act#go", "http://x/act#stop"], c.Actions);
    }

    [Fact]
    public void Parse_ParameterOrderFree_Accepted()
    {
        var c = Assert.Single(Parser.Parse([], $"Category: compute; class=\"kind\"; title=\"T\"; scheme=\"{Infra}\"").Categories);
        Assert.Equal(Infra + "compute", c.Id);
        Assert.Equal("T", c.Title);
    }

    [Theory]
    [InlineData("occi.compute.cores=2", ValueKind.Integer, "2")]
    [InlineData("occi.compute.cores=-2", ValueKind.Integer, "-2")]
    [InlineData("occi.compute.memory=2.0", ValueKind.Float, "2.0")]
    [InlineData("occi.compute.memory=.5", ValueKind.Float, "0.5")]
    [InlineData("com.example.flag=true", ValueKind.Boolean, "true")]
    [InlineData("com.example.flag=false", ValueKind.Boolean, "false")]
    [InlineData("occi.compute.state=active", ValueKind.String, "active")]
    [InlineData("occi.compute.cores=\"2\"", ValueKind.String, "2")]
    [InlineData("a=\"x\\\\y\\n\\r\\tz\"", ValueKind.String, "x\\y\n\r\tz")]
    [InlineData("a = \"spaced\" ;", ValueKind.String, "spaced")]
    public void Parse_AttributeValues_KeepWireKind(string item, ValueKind kind, string text)
    {
        var a = Assert.Single(Parser.Parse([], "X-OCCI-Attribute: " + item).Attributes);
        Assert.Equal(kind, a.Value.Kind);
        Assert.Equal(text, a.Value.ToInvariantString());
    }

    [Fact]
    public void Parse_InlineLinkWithSelfAndAttributes_ReadsEverything()
    {
        var doc = Parser.Parse([], "Link: </network/1>;rel=\"" + Infra + "network\";self=\"/networkinterface/9\";" +
            "category=\"" + Infra + "networkinterface http://schemas.ogf.org/occi/infrastructure/networkinterface#ipnetworkinterface\";" +
            "occi.networkinterface.mac=\"52:54:00:12:34:56\";occi.core.id=\"9\";x.n=3;");
        var l = Assert.Single(doc.Links);
        Assert.Equal("/network/1", l.Target);
        Assert.Equal("/networkinterface/9", l.Self);
        Assert.Equal(2, l.Categories.Count);
        Assert.Equal(["occi.networkinterface.mac", "occi.core.id", "x.n"], l.Attributes.Select(a => a.Key));
        Assert.Equal(3, l.Attributes[2].Value.AsInteger);
    }

    [Fact]
    public void Parse_ActionLink_TargetKeepsQuery()
    {
        var l = Assert.Single(Parser.Parse([], "Link: </compute/1?action=stop>; rel=\"http://schemas.ogf.org/occi/infrastructure/compute/action#stop\"").Links);
        Assert.Equal("/compute/1?action=stop", l.Target);
        Assert.Equal(["http://schemas.ogf.org/occi/infrastructure/compute/action#stop"], l.Rel);
    }

    [Fact]
    public void Parse_LinkTargetWithCommaAndSemicolon_NotSplit()
    {
        var doc = Parser.Parse([], "Link: </a,b;c>; rel=\"http://x#k\", </d>; rel=\"http://x#k\"");
        Assert.Equal(["/a,b;c", "/d"], doc.Links.Select(l => l.Target));
    }

    [Fact]
    public void Parse_EmptyBody_EmptyDocument()
    {
        Assert.True(Parser.Parse([], "\r\n\r\n").IsEmpty);
        Assert.True(Parser.Parse([], "").IsEmpty);
    }

    [Fact]
    public void Parse_IgnoresHeaders()
    {
        var doc = Parser.Parse([new("Category", $"compute; scheme=\"{Infra}\"")], "");
        Assert.True(doc.IsEmpty);
    }
}
