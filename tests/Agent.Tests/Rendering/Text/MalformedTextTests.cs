using OcciAgent.Occi.Rendering;
using OcciAgent.Occi.Rendering.Text;

namespace OcciAgent.Tests.Rendering.Text;

/// <summary>Malformed text renderings are rejected with a message naming the problem (→ 400).</summary>
[Trait("Category", "Unit")]
public class MalformedTextTests
{
    private const string Infra = "http://schemas.ogf.org/occi/infrastructure#";

    private static OcciParseException Plain(string body) =>
        Assert.Throws<OcciParseException>(() => new TextPlainParser().Parse([], body));

    [Fact]
    public void Parse_UnterminatedQuote_NamesQuotedString()
    {
        var ex = Plain("X-OCCI-Attribute: occi.core.title=\"never closed");
        Assert.Contains("unterminated quoted string", ex.Message);
        Assert.Contains("X-OCCI-Attribute", ex.Message);
    }

    [Fact]
    public void Parse_MissingScheme_NamesCategory()
    {
        var ex = Plain("Category: compute; schem=\"http://x#\"; class=\"kind\"");
        Assert.Contains("Category value 'compute; schem=\"http://x#\"; class=\"kind\"' has no scheme parameter", ex.Message);
    }

    [Theory]
    [InlineData("-compute")]
    [InlineData("com pute")]
    [InlineData("comp/ute")]
    public void Parse_BadTerm_NamesTerm(string term)
    {
        var ex = Plain($"Category: {term}; scheme=\"{Infra}\"; class=\"kind\"");
        Assert.Contains("term", ex.Message);
        Assert.Contains(term, ex.Message);
    }

    [Fact]
    public void Parse_GarbageLine_NamesLine()
    {
        var ex = Plain($"Category: compute; scheme=\"{Infra}\"\r\nHello world, this is not OCCI\r\n");
        Assert.Contains("'Hello world, this is not OCCI'", ex.Message);
    }

    [Fact]
    public void Parse_UnknownHeaderLine_NamesLine()
    {
        var ex = Plain("Content-Type: text/plain");
        Assert.Contains("Content-Type: text/plain", ex.Message);
    }

    [Theory]
    [InlineData("X-OCCI-Attribute: bad name=1", "bad name")]
    [InlineData("X-OCCI-Attribute: .bad=1", ".bad")]
    [InlineData("X-OCCI-Attribute: b@d=1", "b@d")]
    public void Parse_BadAttributeName_NamesAttribute(string line, string name)
    {
        var ex = Plain(line);
        Assert.Contains(name, ex.Message);
        Assert.Contains("name", ex.Message);
    }

    [Fact]
    public void Parse_UnterminatedAngleBracket_NamesIt()
    {
        var ex = Plain("Link: </compute/1; rel=\"http://x#k\"");
        Assert.Contains("unterminated '<'", ex.Message);
        Assert.Contains("Link", ex.Message);
    }

    [Fact]
    public void Parse_LinkWithoutUri_NamesIt()
    {
        var ex = Plain("Link: rel=\"http://x#k\"");
        Assert.Contains("does not start with a <URI>", ex.Message);
    }

    [Fact]
    public void Parse_AttributeWithoutEquals_NamesIt()
    {
        var ex = Plain("X-OCCI-Attribute: occi.core.title");
        Assert.Contains("not of the form name=value", ex.Message);
    }

    [Fact]
    public void Parse_TextAfterQuotedValue_NamesIt()
    {
        var ex = Plain("X-OCCI-Attribute: a=\"x\"y");
        Assert.Contains("unexpected text 'y'", ex.Message);
    }

    [Fact]
    public void Parse_BareValueWithSpace_NamesIt()
    {
        var ex = Plain("X-OCCI-Attribute: occi.core.title=two words");
        Assert.Contains("'two words' must be a token or a quoted string", ex.Message);
    }

    [Fact]
    public void Parse_BadClass_NamesIt()
    {
        var ex = Plain($"Category: compute; scheme=\"{Infra}\"; class=\"kinds\"");
        Assert.Contains("class 'kinds'", ex.Message);
    }

    [Fact]
    public void Parse_BadAttributeProperty_NamesIt()
    {
        var ex = Plain($"Category: m; scheme=\"{Infra}\"; class=\"mixin\"; attributes=\"a{{mutable}}\"");
        Assert.Contains("unknown property 'mutable'", ex.Message);
    }

    [Fact]
    public void Parse_UnterminatedBrace_NamesIt()
    {
        var ex = Plain($"Category: m; scheme=\"{Infra}\"; class=\"mixin\"; attributes=\"a{{immutable\"");
        Assert.Contains("unterminated '{'", ex.Message);
    }

    [Fact]
    public void Parse_RepeatedParameter_NamesIt()
    {
        var ex = Plain($"Category: m; scheme=\"{Infra}\"; scheme=\"{Infra}\"");
        Assert.Contains("repeats the parameter 'scheme'", ex.Message);
    }

    [Fact]
    public void Parse_TwoAttributesSeparatedBySemicolon_NamesIt()
    {
        var ex = Plain("X-OCCI-Attribute: a=1; b=2");
        Assert.Contains("more than one attribute", ex.Message);
    }

    [Fact]
    public void Parse_EmptyParameter_NamesIt()
    {
        var ex = Plain($"Category: m;; scheme=\"{Infra}\"");
        Assert.Contains("empty parameter", ex.Message);
    }

    [Fact]
    public void Parse_IntegerOutOfRange_NamesIt()
    {
        var ex = Plain("X-OCCI-Attribute: a=99999999999999999999999");
        Assert.Contains("out of range", ex.Message);
    }

    [Fact]
    public void Parse_TextOcciMalformedHeader_NamesHeader()
    {
        var ex = Assert.Throws<OcciParseException>(() =>
            new TextOcciParser().Parse([new("Category", "compute; class=\"kind\"")], ""));
        Assert.Contains("has no scheme parameter", ex.Message);
    }

    [Fact]
    public void Parse_LocationWithSpace_NamesIt()
    {
        var ex = Plain("X-OCCI-Location: /compute/1 /compute/2");
        Assert.Contains("X-OCCI-Location value", ex.Message);
    }
}
