using System.Net;

namespace OcciAgent.Tests.Http;

/// <summary>Kind collections (GFD.223 §11): listing in every rendering, filtering (§7.2),
/// pagination (§6), delete-all, collection actions.</summary>
[Trait("Category", "Integration")]
public sealed class CollectionTests : AgentTestBase
{
    private async Task<List<string>> ThreeComputesAsync()
    {
        var list = new List<string>();
        for (var i = 1; i <= 3; i++)
            list.Add(await CreateAsync("/compute/", ComputeKind, $"X-OCCI-Attribute: occi.compute.memory={i}", $"X-OCCI-Attribute: occi.core.title=\"vm{i}\""));
        return list;
    }

    [Fact]
    public async Task Get_TextPlainAndUriList_ListAbsoluteLocations()
    {
        var paths = await ThreeComputesAsync();
        var plain = await GetTextAsync("/compute/");
        foreach (var p in paths) Assert.Contains($"X-OCCI-Location: {Agent.BaseUrl}{p}\r\n", plain);
        var uri = await Agent.SendAsync(HttpMethod.Get, "/compute/", accept: "text/uri-list");
        Assert.Equal("text/uri-list", uri.ContentType()!.MediaType);
        Assert.Equal(paths.Select(p => Agent.BaseUrl + p).Order(), (await uri.BodyAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Order());
        var occi = await Agent.SendAsync(HttpMethod.Get, "/compute/", accept: "text/occi");
        Assert.Equal(3, occi.Headers.GetValues("X-OCCI-Location").SelectMany(v => v.Split(',')).Count());
    }

    [Fact]
    public async Task Get_UriListForSingleEntity_Is400()
    {
        var paths = await ThreeComputesAsync();
        var r = await Agent.SendAsync(HttpMethod.Get, paths[0], accept: "text/uri-list");
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
    }

    [Fact]
    public async Task Get_EmptyCollection_Is200WithEmptyRendering()
    {
        var r = await Agent.SendAsync(HttpMethod.Get, "/storage/");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("", await r.BodyAsync());
    }

    [Fact]
    public async Task Get_FilterByAttributeAndCategory_ReturnsMatchesOnly()
    {
        var paths = await ThreeComputesAsync();
        var r = await Agent.SendAsync(HttpMethod.Get, "/compute/", headers: ("X-OCCI-Attribute", "occi.compute.memory=2"));
        Assert.Equal($"X-OCCI-Location: {Agent.BaseUrl}{paths[1]}", (await r.BodyAsync()).Trim());
        var byTitle = await Agent.SendAsync(HttpMethod.Get, "/", headers: [("Category", $"compute; scheme=\"{Infra}\""), ("X-OCCI-Attribute", "occi.core.title=\"vm3\"")]);
        Assert.Equal($"X-OCCI-Location: {Agent.BaseUrl}{paths[2]}", (await byTitle.BodyAsync()).Trim());
        var none = await Agent.SendAsync(HttpMethod.Get, "/", headers: ("Category", $"storage; scheme=\"{Infra}\""));
        Assert.Equal("", await none.BodyAsync());
    }

    [Fact]
    public async Task Get_Pagination_PagesFromOneAndRefusesTooLargeNumbers()
    {
        await ThreeComputesAsync();
        var all = (await GetTextAsync("/compute/")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var p1 = (await GetTextAsync("/compute/?page=1;number=2")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var p2 = (await GetTextAsync("/compute/?page=2&number=2")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(all, p1.Concat(p2));
        Assert.Equal(2, p1.Length);
        Assert.Equal("", await GetTextAsync("/compute/?page=9&number=2"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await Agent.SendAsync(HttpMethod.Get, "/compute/?number=100000")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Agent.SendAsync(HttpMethod.Get, "/compute/?page=0")).StatusCode);
    }

    [Fact]
    public async Task Delete_KindCollection_DeletesAllMembersOnly()
    {
        await ThreeComputesAsync();
        var storage = await CreateAsync("/storage/", StorageKind, "X-OCCI-Attribute: occi.storage.size=0.25");
        Assert.Equal(HttpStatusCode.OK, (await Agent.SendAsync(HttpMethod.Delete, "/compute/")).StatusCode);
        Assert.Equal("", await GetTextAsync("/compute/"));
        Assert.Contains(storage, await GetTextAsync("/storage/"));
    }

    [Fact]
    public async Task Put_OnKindCollection_Is405()
    {
        var r = await Agent.SendAsync(HttpMethod.Put, "/compute/", Lines(ComputeKind));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, r.StatusCode);
        Assert.Contains("POST", r.Content.Headers.Allow);
    }

    [Fact]
    public async Task CollectionAction_AppliesToEveryMember()
    {
        var a = await CreateAsync("/storage/", StorageKind, "X-OCCI-Attribute: occi.storage.size=0.25");
        var b = await CreateAsync("/storage/", StorageKind, "X-OCCI-Attribute: occi.storage.size=0.25");
        var r = await Agent.SendAsync(HttpMethod.Post, "/storage/?action=offline", "");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("\"offline\"", Attr(await GetTextAsync(a), "occi.storage.state"));
        Assert.Equal("\"offline\"", Attr(await GetTextAsync(b), "occi.storage.state"));
        // Now no member can go offline: checked for all before any runs (409).
        Assert.Equal(HttpStatusCode.Conflict, (await Agent.SendAsync(HttpMethod.Post, "/storage/?action=offline", "")).StatusCode);
    }
}
