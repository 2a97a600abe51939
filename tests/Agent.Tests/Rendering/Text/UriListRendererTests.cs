using OcciAgent.Occi.Catalog;
using OcciAgent.Occi.Rendering;
using OcciAgent.Occi.Rendering.Text;
using static OcciAgent.Tests.Rendering.Text.TextTestData;

namespace OcciAgent.Tests.Rendering.Text;

/// <summary>text/uri-list responses (RFC 2483, GFD.229 §8).</summary>
[Trait("Category", "Unit")]
public class UriListRendererTests
{
    private static readonly UriListRenderer Renderer = new();

    [Fact]
    public void Collection_AbsoluteUrlsCrlf()
    {
        var a = View(InfrastructureKinds.Compute, [], "a", [], []);
        var b = View(InfrastructureKinds.Compute, [], "b", [], []);
        var output = Renderer.Collection([a, b], CollectionShape.Resources, BaseUrl);
        Assert.Equal("text/uri-list", output.ContentType);
        Assert.Equal("https://agent.example.org/compute/a\r\nhttps://agent.example.org/compute/b\r\n", output.Body);
        Assert.Empty(output.Headers);
    }

    [Fact]
    public void Created_AbsoluteUrl()
    {
        Assert.Equal($"https://agent.example.org/compute/{ComputeId}\r\n", Renderer.Created(T4Compute(), BaseUrl).Body);
    }

    [Fact]
    public void Entity_Throws()
    {
        Assert.Throws<OcciRenderException>(() => Renderer.Entity(T4Compute(), BaseUrl));
    }

    [Fact]
    public void Categories_Throws()
    {
        Assert.Throws<OcciRenderException>(() => Renderer.Categories(new CategoryCollection([CoreKinds.Entity], [], [])));
    }

    [Fact]
    public void OkAndError_EmptyAndPlainMessage()
    {
        Assert.Equal("", Renderer.Ok().Body);
        var error = Renderer.Error(400, "not a listing");
        Assert.Equal("not a listing\r\n", error.Body);
    }

    [Fact]
    public void Collection_ParsesBackWithUriListParser()
    {
        var a = View(InfrastructureKinds.Compute, [], "a", [], []);
        var body = Renderer.Collection([a], CollectionShape.Resources, BaseUrl).Body;
        Assert.Equal(["https://agent.example.org/compute/a"], new UriListParser().Parse([], body).Locations);
    }
}
