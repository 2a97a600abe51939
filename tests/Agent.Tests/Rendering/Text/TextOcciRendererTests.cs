using System.Text.RegularExpressions;
using OcciAgent.Occi.Catalog;
using OcciAgent.Occi.Rendering;
using OcciAgent.Occi.Rendering.Text;
using static OcciAgent.Tests.Rendering.Text.TextTestData;

namespace OcciAgent.Tests.Rendering.Text;

/// <summary>text/occi responses: headers, one per name, comma-joined (GFD.229 §7); body OK.</summary>
[Trait("Category", "Unit")]
public class TextOcciRendererTests
{
    private static readonly TextOcciRenderer Renderer = new();

    [Fact]
    public void Entity_T3_OneHeaderPerNameInStructureOrder()
    {
        var output = Renderer.Entity(T3Compute(), BaseUrl);
        Assert.Equal(["Category", "Link", "X-OCCI-Attribute"], output.Headers.Select(h => h.Key));
        Assert.Equal("OK", output.Body);
        Assert.All(output.Headers, h => Assert.DoesNotContain('\n', h.Value));
    }

    [Fact]
    public void Categories_RealCatalog_FirstCategoryValueMatchesOcciWgRegex()
    {
        var snapshot = new OcciCatalog("http://node/occi/").Current;
        var output = Renderer.Categories(new CategoryCollection(snapshot.Kinds, snapshot.Mixins, snapshot.Actions));
        var category = Assert.Single(output.Headers);
        Assert.Equal("Category", category.Key);
        Assert.Matches(new Regex("^\\w+; \\bscheme=[a-z:./#\"]*; \\bclass=\"(?:action|kind|mixin)\""), category.Value);
    }

    [Fact]
    public void CollectionAndCreated_AbsoluteLocationsCommaJoined()
    {
        var a = View(InfrastructureKinds.Compute, [], "a", [], []);
        var b = View(InfrastructureKinds.Storage, [], "b", [], []);
        var output = Renderer.Collection([a, b], CollectionShape.Resources, BaseUrl + "/");
        Assert.Equal([new KeyValuePair<string, string>("X-OCCI-Location",
            "https://agent.example.org/compute/a, https://agent.example.org/storage/b")], output.Headers);
        Assert.Equal("OK", output.Body);

        var created = Renderer.Created(a, BaseUrl);
        Assert.Equal([new KeyValuePair<string, string>("X-OCCI-Location", "https://agent.example.org/compute/a")], created.Headers);
    }

    [Fact]
    public void Collection_Empty_NoHeadersBodyOk()
    {
        var output = Renderer.Collection([], CollectionShape.Links, BaseUrl);
        Assert.Empty(output.Headers);
        Assert.Equal("OK", output.Body);
    }

    [Fact]
    public void OkAndError_OkBodyAndErrorHeader()
    {
        Assert.Equal(new OcciOutput("text/occi", [], "OK"), Renderer.Ok());
        var error = Renderer.Error(404, "no such\r\nentity");
        Assert.Equal("text/occi", error.ContentType);
        Assert.Equal([new KeyValuePair<string, string>("X-OCCI-Error", "no such entity")], error.Headers);
        Assert.Equal("no such\r\nentity", error.Body);
    }
}
