using System.Net;

namespace OcciAgent.Tests.Http;

/// <summary>User-defined mixins (GFD.221 §5.5.3, GFD.223 §9.3/9.4) and mixin collections
/// (GFD.223 §11: associate, replace membership, disassociate).</summary>
[Trait("Category", "Integration")]
public sealed class MixinTests : AgentTestBase
{
    private const string Prod = "Category: prod; scheme=\"http://node.test/occi/users/alice/tags#\"; class=\"mixin\"; title=\"production\"; location=\"/tags/alice/prod/\"";

    [Fact]
    public async Task UserMixin_CreateAssociateListDelete()
    {
        var created = await Agent.SendAsync(HttpMethod.Post, "/-/", Lines(Prod));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Contains("Category: prod;", await created.BodyAsync());
        Assert.Contains("location=\"/tags/alice/prod/\"", await GetTextAsync("/-/"));

        var a = await CreateAsync("/compute/", ComputeKind);
        var b = await CreateAsync("/compute/", ComputeKind);
        var assoc = await Agent.SendAsync(HttpMethod.Post, "/tags/alice/prod/", Lines($"X-OCCI-Location: {Agent.BaseUrl}{a}", $"X-OCCI-Location: {b}"));
        var assocBody = await assoc.BodyAsync();
        Assert.Equal(HttpStatusCode.OK, assoc.StatusCode);
        Assert.Contains($"X-OCCI-Location: {Agent.BaseUrl}{a}", assocBody);
        Assert.Contains("Category: prod; scheme=\"http://node.test/occi/users/alice/tags#\"; class=\"mixin\"", await GetTextAsync(a));

        // PUT replaces the membership: only b remains.
        var put = await Agent.SendAsync(HttpMethod.Put, "/tags/alice/prod/", Lines($"X-OCCI-Location: {b}"));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var members = await GetTextAsync("/tags/alice/prod/");
        Assert.DoesNotContain(a, members);
        Assert.Contains(b, members);

        var removed = await Agent.SendAsync(HttpMethod.Delete, "/-/", Lines("Category: prod; scheme=\"http://node.test/occi/users/alice/tags#\""));
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.DoesNotContain("Category: prod;", await GetTextAsync(b));
        Assert.Equal(HttpStatusCode.NotFound, (await Agent.SendAsync(HttpMethod.Get, "/tags/alice/prod/")).StatusCode);
    }

    [Fact]
    public async Task UserMixin_SurvivesRestart()
    {
        Assert.Equal(HttpStatusCode.OK, (await Agent.SendAsync(HttpMethod.Post, "/-/", Lines(Prod))).StatusCode);
        var a = await CreateAsync("/compute/", ComputeKind);
        await Agent.SendAsync(HttpMethod.Post, "/tags/alice/prod/", Lines($"X-OCCI-Location: {a}"));
        await Agent.StopAsync();
        await Agent.StartAgainAsync();
        Assert.Contains(a, await GetTextAsync("/tags/alice/prod/"));
    }

    [Fact]
    public async Task UserMixin_Collisions409_ReservedScheme400_ProviderDelete403_Unknown404()
    {
        Assert.Equal(HttpStatusCode.OK, (await Agent.SendAsync(HttpMethod.Post, "/-/", Lines(Prod))).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await Agent.SendAsync(HttpMethod.Post, "/-/", Lines(Prod))).StatusCode);
        var sameLocation = await Agent.SendAsync(HttpMethod.Post, "/-/", Lines("Category: other; scheme=\"http://node.test/t#\"; class=\"mixin\"; location=\"/tags/alice/prod/\""));
        Assert.Equal(HttpStatusCode.Conflict, sameLocation.StatusCode);
        var kindPath = await Agent.SendAsync(HttpMethod.Post, "/-/", Lines("Category: x; scheme=\"http://node.test/t#\"; class=\"mixin\"; location=\"/compute/\""));
        Assert.Equal(HttpStatusCode.Conflict, kindPath.StatusCode);
        var reserved = await Agent.SendAsync(HttpMethod.Post, "/-/", Lines("Category: x; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"mixin\"; location=\"/x/\""));
        Assert.Equal(HttpStatusCode.BadRequest, reserved.StatusCode);
        var noLocation = await Agent.SendAsync(HttpMethod.Post, "/-/", Lines("Category: y; scheme=\"http://node.test/t#\"; class=\"mixin\""));
        Assert.Equal(HttpStatusCode.BadRequest, noLocation.StatusCode);
        var provider = await Agent.SendAsync(HttpMethod.Delete, "/-/", Lines("Category: os_tpl; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"mixin\""));
        Assert.Equal(HttpStatusCode.Forbidden, provider.StatusCode);
        var unknown = await Agent.SendAsync(HttpMethod.Delete, "/-/", Lines("Category: ghost; scheme=\"http://node.test/t#\"; class=\"mixin\""));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task ResourceTemplateCollection_AssociationReplacesTemplate()
    {
        var a = await CreateAsync("/compute/", ComputeKind, SmallTpl);
        var r = await Agent.SendAsync(HttpMethod.Post, "/mixin/resource_tpl/large/", Lines($"X-OCCI-Location: {a}"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var body = await GetTextAsync(a);
        Assert.Equal("4", Attr(body, "occi.compute.cores"));
        Assert.DoesNotContain("Category: small;", body);
        Assert.Contains(a, await GetTextAsync("/mixin/resource_tpl/"));
    }

    [Fact]
    public async Task Associate_UnknownLocation_Is400AndNothingChanges()
    {
        await Agent.SendAsync(HttpMethod.Post, "/-/", Lines(Prod));
        var a = await CreateAsync("/compute/", ComputeKind);
        var r = await Agent.SendAsync(HttpMethod.Post, "/tags/alice/prod/", Lines($"X-OCCI-Location: {a}", "X-OCCI-Location: /compute/ghost"));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Equal("", (await GetTextAsync("/tags/alice/prod/")).Trim());
    }
}
