using OcciAgent.Occi.Rendering;
using OcciAgent.Occi.Rendering.Text;

namespace OcciAgent.Tests.Rendering.Text;

/// <summary>text/uri-list request bodies (RFC 2483).</summary>
[Trait("Category", "Unit")]
public class UriListParserTests
{
    [Fact]
    public void Parse_CommentsBlanksAndLineEnds_OnlyUris()
    {
        var doc = new UriListParser().Parse([], "# uri:/compute/\r\nhttp://h/compute/1\r\n\r\n/compute/2\n  \n");
        Assert.Equal(["http://h/compute/1", "/compute/2"], doc.Locations);
    }

    [Fact]
    public void Parse_LineWithSpace_Throws()
    {
        var ex = Assert.Throws<OcciParseException>(() => new UriListParser().Parse([], "/compute/1 /compute/2"));
        Assert.Contains("/compute/1 /compute/2", ex.Message);
    }
}
