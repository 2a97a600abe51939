using System.Text.RegularExpressions;
using OcciAgent.Occi.Catalog;
using OcciAgent.Occi.Model;
using OcciAgent.Occi.Rendering;
using OcciAgent.Occi.Rendering.Text;
using static OcciAgent.Tests.Rendering.Text.TextTestData;

namespace OcciAgent.Tests.Rendering.Text;

/// <summary>Strict text/plain emission (GFD.229 §4.1, §5.1, §5.2).</summary>
[Trait("Category", "Unit")]
public class TextPlainRendererTests
{
    private static readonly TextPlainRenderer Renderer = new();

    private static CategoryCollection Query()
    {
        var snapshot = new OcciCatalog("http://node/occi/").Current;
        return new CategoryCollection(snapshot.Kinds, snapshot.Mixins, snapshot.Actions);
    }

    private static string[] Lines(string body) => body.Split("\r\n");

    [Fact]
    public void Categories_RealCatalog_SecondLineMatchesOcciWgRegex()
    {
        var lines = Lines(Renderer.Categories(Query()).Body);
        Assert.Matches(new Regex("\\w+; \\bscheme=[a-z:./#\"]*; \\bclass=\"(?:action|kind|mixin)\""), lines[1]);
    }

    [Fact]
    public void Categories_RealCatalog_EveryLineCrlfTerminatedCategory()
    {
        var q = Query();
        var body = Renderer.Categories(q).Body;
        Assert.EndsWith("\r\n", body);
        var lines = Lines(body)[..^1];
        Assert.Equal(q.Kinds.Count + q.Mixins.Count + q.Actions.Count, lines.Length);
        Assert.All(lines, l => Assert.StartsWith("Category: ", l));
        Assert.DoesNotContain("\n", body.Replace("\r\n", ""));
    }

    [Fact]
    public void Categories_CoreKinds_MatchDigestExample()
    {
        var lines = Lines(Renderer.Categories(new CategoryCollection([CoreKinds.Entity, CoreKinds.Resource], [], [])).Body);
        Assert.Equal("Category: entity; scheme=\"http://schemas.ogf.org/occi/core#\"; class=\"kind\"; title=\"Entity\"; " +
            "attributes=\"occi.core.id{immutable} occi.core.title\"", lines[0]);
        Assert.Equal("Category: resource; scheme=\"http://schemas.ogf.org/occi/core#\"; class=\"kind\"; title=\"Resource\"; " +
            "rel=\"http://schemas.ogf.org/occi/core#entity\"; location=\"/resource/\"; " +
            "attributes=\"occi.core.id{immutable} occi.core.title occi.core.summary\"", lines[1]);
    }

    [Fact]
    public void Categories_ComputeKind_ParameterOrderAndActions()
    {
        var line = Lines(Renderer.Categories(new CategoryCollection([InfrastructureKinds.Compute], [], [])).Body)[0];
        Assert.StartsWith("Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"kind\"; " +
            "title=\"Compute Resource\"; rel=\"http://schemas.ogf.org/occi/core#resource\"; location=\"/compute/\"; " +
            "attributes=\"occi.core.id{immutable} occi.core.title occi.core.summary occi.compute.architecture ", line);
        Assert.Contains(" occi.compute.state{immutable} occi.compute.state.message{immutable}\"; actions=\"" +
            "http://schemas.ogf.org/occi/infrastructure/compute/action#start ", line);
        Assert.EndsWith("compute/action#save\"", line);
    }

    [Fact]
    public void Categories_Actions_NoRelNoLocationParametersAsAttributes()
    {
        var lines = Lines(Renderer.Categories(new CategoryCollection([], [],
            [InfrastructureKinds.Stop, InfrastructureKinds.Save, InfrastructureKinds.Start, InfrastructureKinds.Resize])).Body);
        Assert.Equal("Category: stop; scheme=\"http://schemas.ogf.org/occi/infrastructure/compute/action#\"; class=\"action\"; " +
            "title=\"Stop the compute instance\"; attributes=\"method\"", lines[0]);
        Assert.Equal("Category: save; scheme=\"http://schemas.ogf.org/occi/infrastructure/compute/action#\"; class=\"action\"; " +
            "title=\"Save the compute instance as a new OS template\"; attributes=\"method name\"", lines[1]);
        Assert.Equal("Category: start; scheme=\"http://schemas.ogf.org/occi/infrastructure/compute/action#\"; class=\"action\"; " +
            "title=\"Start the compute instance\"", lines[2]);
        Assert.EndsWith("attributes=\"size{required}\"", lines[3]);
    }

    [Fact]
    public void Categories_Mixins_RelIsFirstDependsOnly()
    {
        var two = new Mixin("http://x/m#", "two", "Two", "/mixin/two/", [InfrastructureMixins.OsTpl, InfrastructureMixins.ResourceTpl],
            [], [new("x.a", AttrType.String, Mutable: false, Required: true)], [InfrastructureKinds.Start]);
        var lines = Lines(Renderer.Categories(new CategoryCollection([], [InfrastructureMixins.SshKey, Debian12, two], [])).Body);
        Assert.Equal("Category: ssh_key; scheme=\"http://schemas.ogf.org/occi/infrastructure/credentials#\"; class=\"mixin\"; " +
            "title=\"SSH public key\"; location=\"/mixin/ssh_key/\"; attributes=\"occi.credentials.ssh.publickey\"", lines[0]);
        Assert.Equal("Category: debian12; scheme=\"http://agent.example.org/occi/infrastructure/os_tpl#\"; class=\"mixin\"; " +
            "title=\"Debian 12 (qcow2)\"; rel=\"http://schemas.ogf.org/occi/infrastructure#os_tpl\"; " +
            "location=\"/mixin/os_tpl/debian12/\"", lines[1]);
        Assert.Equal("Category: two; scheme=\"http://x/m#\"; class=\"mixin\"; title=\"Two\"; " +
            "rel=\"http://schemas.ogf.org/occi/infrastructure#os_tpl\"; location=\"/mixin/two/\"; " +
            "attributes=\"x.a{immutable required}\"; actions=\"http://schemas.ogf.org/occi/infrastructure/compute/action#start\"", lines[2]);
    }

    [Fact]
    public void Categories_TitleWithQuoteAndNewline_Escaped()
    {
        var m = new Mixin("http://x/m#", "q", "say \"hi\"\\\r\nbye", "/q/", [], [], [], []);
        var line = Lines(Renderer.Categories(new CategoryCollection([], [m], [])).Body)[0];
        Assert.Contains("title=\"say \\\"hi\\\"\\\\\\r\\nbye\"", line);
    }

    [Fact]
    public void Entity_Values_FormattedPerTable()
    {
        var view = View(InfrastructureKinds.Compute, [], "1", [],
        [
            S("s", "a\"b\\c\nd"), new("i", OcciValue.Int(4)), new("f", OcciValue.Float(2)),
            new("big", OcciValue.Float(1e15)), new("b", OcciValue.Bool(false)),
        ]);
        var lines = Lines(Renderer.Entity(view, BaseUrl).Body);
        Assert.Equal(
        [
            "X-OCCI-Attribute: s=\"a\\\"b\\\\c\\nd\"", "X-OCCI-Attribute: i=4", "X-OCCI-Attribute: f=2.0",
            "X-OCCI-Attribute: big=1000000000000000.0", "X-OCCI-Attribute: b=false",
        ], lines[1..^1]);
    }

    [Fact]
    public void Entity_LinkEntity_CategoriesActionLinksAttributes()
    {
        var mixin = InfrastructureMixins.IpNetworkInterface;
        var action = new OcciAction("http://x/a#", "reset", null, []);
        var view = View(InfrastructureKinds.NetworkInterface, [mixin], NicId, [action],
            [S(AttributeNames.Id, NicId), S(AttributeNames.Source, "/compute/1"), S(AttributeNames.Target, "/network/1")]);
        Assert.Equal(
            "Category: networkinterface; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"kind\"\r\n" +
            "Category: ipnetworkinterface; scheme=\"http://schemas.ogf.org/occi/infrastructure/networkinterface#\"; class=\"mixin\"\r\n" +
            $"Link: </networkinterface/{NicId}?action=reset>; rel=\"http://x/a#reset\"\r\n" +
            $"X-OCCI-Attribute: occi.core.id=\"{NicId}\"\r\n" +
            "X-OCCI-Attribute: occi.core.source=\"/compute/1\"\r\n" +
            "X-OCCI-Attribute: occi.core.target=\"/network/1\"\r\n",
            Renderer.Entity(view, BaseUrl).Body);
    }

    [Fact]
    public void Entity_LinkWithMixinAndNoTargetKind_CategoryListsMixinRelFallsBackToResource()
    {
        var link = View(InfrastructureKinds.NetworkInterface, [InfrastructureMixins.IpNetworkInterface], "9", [],
            [S(AttributeNames.Id, "9"), S(AttributeNames.Target, "/network/1")]);
        var compute = View(InfrastructureKinds.Compute, [], "1", [], [], [link]);
        var line = Lines(Renderer.Entity(compute, BaseUrl).Body)[1];
        Assert.Equal("Link: </network/1>; rel=\"http://schemas.ogf.org/occi/core#resource\"; self=\"/networkinterface/9\"; " +
            "category=\"http://schemas.ogf.org/occi/infrastructure#networkinterface " +
            "http://schemas.ogf.org/occi/infrastructure/networkinterface#ipnetworkinterface\"; " +
            "occi.core.id=\"9\"; occi.core.target=\"/network/1\"", line);
    }

    [Fact]
    public void Collection_Empty_EmptyBody()
    {
        Assert.Equal("", Renderer.Collection([], CollectionShape.Resources, BaseUrl).Body);
    }

    [Fact]
    public void OkAndError_PlainBodies()
    {
        Assert.Equal(new OcciOutput("text/plain", [], ""), Renderer.Ok());
        var error = Renderer.Error(400, "bad category");
        Assert.Equal("bad category\r\n", error.Body);
        Assert.Equal("text/plain", error.ContentType);
    }
}
