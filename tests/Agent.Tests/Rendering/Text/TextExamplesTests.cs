using OcciAgent.Occi.Catalog;
using OcciAgent.Occi.Model;
using OcciAgent.Occi.Rendering;
using OcciAgent.Occi.Rendering.Text;
using static OcciAgent.Tests.Rendering.Text.TextTestData;

namespace OcciAgent.Tests.Rendering.Text;

/// <summary>Text examples T1–T5 in the style of GFD.229 §5: request bodies parse, responses render byte-exact.</summary>
[Trait("Category", "Unit")]
public class TextExamplesTests
{
    private static readonly TextPlainRenderer Plain = new();
    private static readonly TextOcciRenderer Occi = new();

    [Fact]
    public void T1_FilterHeaderAndResponse_ParseAndRenderMatch()
    {
        var headers = new List<KeyValuePair<string, string>>
        {
            new("Host", "agent.example.org"), new("Accept", "text/plain"),
            new("Category", "os_tpl; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"mixin\""),
        };
        var doc = new TextOcciParser().Parse(headers, "");
        var c = Assert.Single(doc.Categories);
        Assert.Equal(Schemes.Infra + "os_tpl", c.Id);
        Assert.Equal("mixin", c.Class);

        var output = Plain.Categories(new CategoryCollection([], [InfrastructureMixins.OsTpl], []));
        Assert.Equal(Golden("T1_response.txt"), output.Body);
        Assert.Equal("text/plain", output.ContentType);
    }

    [Fact]
    public void T2_CreateBody_ParsesAllStructures()
    {
        var doc = new TextPlainParser().Parse([], Golden("T2_request.txt"));

        Assert.Equal(
            [Schemes.Infra + "compute", Debian12.Id, Small.Id, InfrastructureMixins.SshKey.Id],
            doc.Categories.Select(c => c.Id));
        Assert.Equal(2, doc.Links.Count);
        var disk = doc.Links[0];
        Assert.Equal(StorageLocation, disk.Target);
        Assert.Equal([Schemes.Infra + "storage"], disk.Rel);
        Assert.Equal([Schemes.Infra + "storagelink"], disk.Categories);
        Assert.Null(disk.Self);
        var deviceId = Assert.Single(disk.Attributes);
        Assert.Equal("occi.storagelink.deviceid", deviceId.Key);
        Assert.Equal("vdb", deviceId.Value.AsString);
        Assert.Empty(doc.Links[1].Attributes);
        Assert.Equal(["occi.core.title", "occi.compute.hostname", "occi.credentials.ssh.publickey"], doc.Attributes.Select(a => a.Key));
        Assert.Equal("ssh-ed25519 AAAAC3Nza... alice@laptop", doc.Attributes[2].Value.AsString);
    }

    [Fact]
    public void T2_Created_RendersAbsoluteLocation()
    {
        var output = Plain.Created(T3Compute(), BaseUrl);
        Assert.Equal(Golden("T2_response.txt"), output.Body);
    }

    [Fact]
    public void T3_ComputeEntity_RendersGolden()
    {
        var output = Plain.Entity(T3Compute(), BaseUrl);
        Assert.Equal(Golden("T3_response.txt"), output.Body);
        Assert.Empty(output.Headers);
    }

    [Fact]
    public void T4_ActionRequestHeaders_ParseActionAndParameter()
    {
        var doc = new TextOcciParser().Parse(GoldenHeaders("T4_request_headers.txt"), "ignored body");
        var c = Assert.Single(doc.Categories);
        Assert.Equal(Schemes.ComputeAction + "stop", c.Id);
        Assert.Equal("action", c.Class);
        var method = Assert.Single(doc.Attributes);
        Assert.Equal("method", method.Key);
        Assert.Equal("graceful", method.Value.AsString);
    }

    [Fact]
    public void T4_EntityAsTextOcci_RendersGoldenHeadersAndOk()
    {
        var output = Occi.Entity(T4Compute(), BaseUrl);
        Assert.Equal(GoldenHeaders("T4_response_headers.txt"), output.Headers);
        Assert.Equal("OK", output.Body);
        Assert.Equal("text/occi", output.ContentType);
    }

    [Fact]
    public void T5_MixinDefinitionAndLocations_Parse()
    {
        var mixin = Assert.Single(new TextPlainParser().Parse([], Golden("T5_request_mixin.txt")).Categories);
        Assert.Equal("prod", mixin.Term);
        Assert.Equal("http://agent.example.org/occi/users/alice/tags#", mixin.Scheme);
        Assert.Equal("production", mixin.Title);
        Assert.Equal("/tags/alice/prod/", mixin.Location);

        var locations = new TextPlainParser().Parse([], Golden("T5_request_locations.txt")).Locations;
        Assert.Equal(["/compute/" + ComputeId, "/compute/7d8e9f00-1122-4334-8556-677889900aab"], locations);
    }

    [Fact]
    public void T5_Collection_RendersAbsoluteLocations()
    {
        var second = View(InfrastructureKinds.Compute, [], "7d8e9f00-1122-4334-8556-677889900aab", [], []);
        var output = Plain.Collection([T4Compute(), second], CollectionShape.Resources, BaseUrl);
        Assert.Equal(Golden("T5_response.txt"), output.Body);
    }
}
