using OcciAgent.Occi.Rendering;

namespace OcciAgent.Tests.Rendering.Json;

/// <summary>Malformed requests: every failure is an OcciParseException naming the problem (→ 400).</summary>
public partial class JsonParserTests
{
    private static string Fails(string body) => Assert.Throws<OcciParseException>(() => Parse(body)).Message;

    private const string Compute = "http://schemas.ogf.org/occi/infrastructure#compute";

    [Fact]
    public void Parse_InvalidJson_ReportsPosition() =>
        Assert.Matches("invalid JSON: .*LineNumber: 0 \\| BytePositionInLine: ", Fails("""{"kind": """));

    [Fact]
    public void Parse_TypeIdWithoutHash_NamesTheTypeId() =>
        Assert.Contains("'compute' is not a type identifier", Fails("""{"kind":"compute"}"""));

    [Fact]
    public void Parse_MixinTypeIdWithoutHash_NamesTheTypeId() =>
        Assert.Contains("'http://example.org/tags/prod'", Fails("""{"kind":"http://a#b","mixins":["http://example.org/tags/prod"]}"""));

    [Fact]
    public void Parse_CategoryIdentifierWithoutTerm_NamesTheTypeId() =>
        Assert.Contains("'http://example.org/tags#'", Fails("""{"mixins":["http://example.org/tags#"]}"""));

    [Fact]
    public void Parse_NullAttributeValue_NamesTheAttribute() =>
        Assert.Contains("'occi.compute.hostname' is null", Fails($$$"""{"kind":"{{{Compute}}}","attributes":{"occi.compute.hostname":null}}"""));

    [Fact]
    public void Parse_ArrayAttributeValue_NamesTheAttribute() =>
        Assert.Contains("'occi.compute.cores': array", Fails($$$"""{"kind":"{{{Compute}}}","attributes":{"occi.compute.cores":[1,2]}}"""));

    [Fact]
    public void Parse_EmptyObjectAttributeValue_NamesTheAttribute() =>
        Assert.Contains("'occi.compute.cores'", Fails("""{"kind":"http://a#b","attributes":{"occi":{"compute":{"cores":{}}}} }"""));

    [Fact]
    public void Parse_UnknownEntityMember_NamesTheMember() =>
        Assert.Contains("unknown member 'colour'", Fails($$$"""{"kind":"{{{Compute}}}","colour":"red"}"""));

    [Fact]
    public void Parse_UnknownTopLevelMember_NamesTheMember() =>
        Assert.Contains("unknown member 'foo'", Fails("""{"foo":[]}"""));

    [Fact]
    public void Parse_IdConflictsWithCoreId_NamesBoth()
    {
        var message = Fails($$$"""{"kind":"{{{Compute}}}","id":"a","attributes":{"occi.core.id":"b"}}""");

        Assert.Contains("'id'", message);
        Assert.Contains("occi.core.id", message);
    }

    [Fact]
    public void Parse_TitleConflictsWithCoreTitle_Rejected() =>
        Assert.Contains("occi.core.title", Fails($$$"""{"kind":"{{{Compute}}}","title":"a","attributes":{"occi.core.title":"b"}}"""));

    [Fact]
    public void Parse_LinkTargetConflictsWithCoreTarget_Rejected() =>
        Assert.Contains("occi.core.target", Fails("""
            {"kind":"http://a#l","source":{"location":"/compute/c"},"target":{"location":"/storage/s"},
             "attributes":{"occi.core.target":"/storage/t"}}
            """));

    [Fact]
    public void Parse_InlineLinkWithoutTarget_Rejected() =>
        Assert.Contains("links[0]: missing 'target'", Fails($$$"""{"kind":"{{{Compute}}}","links":[{"kind":"http://a#l","id":"x"}]}"""));

    [Fact]
    public void Parse_InlineLinkTargetWithoutLocation_Rejected() =>
        Assert.Contains("missing 'location'", Fails($$$"""{"kind":"{{{Compute}}}","links":[{"target":{"kind":"http://a#n"}}]}"""));

    [Theory]
    [InlineData("""{"kinds":[]}""", "'kinds'")]
    [InlineData("""{"actions":[]}""", "'actions'")]
    public void Parse_KindsOrActionsDocument_Rejected(string body, string member) =>
        Assert.Contains(member, Fails(body));

    [Fact]
    public void Parse_DuplicateMember_Rejected() =>
        Assert.StartsWith("invalid JSON", Fails($$$"""{"kind":"{{{Compute}}}","attributes":{},"attributes":{}}"""));

    [Fact]
    public void Parse_ScalarRoot_Rejected() => Assert.Contains("expected a JSON object or array", Fails("42"));

    [Fact]
    public void Parse_LocationListWithNumber_Rejected() => Assert.Contains("document[1]", Fails("""["/compute/a", 5]"""));

    [Fact]
    public void Parse_MixinWithoutScheme_Rejected() => Assert.Contains("missing 'scheme'", Fails("""{"term":"prod"}"""));

    [Fact]
    public void Parse_KindNotAString_Rejected() => Assert.Contains("'kind' must be a string", Fails("""{"kind":1}"""));
}
