using System.Net;
using System.Text.Json;

namespace OcciAgent.Tests.Http;

/// <summary>OCCI JSON (GFD.226) end to end: create, read, update, action, errors.</summary>
[Trait("Category", "Integration")]
public sealed class JsonApiTests : AgentTestBase
{
    private const string Json = "application/occi+json";

    [Fact]
    public async Task CreateStorageAndComputeWithInlineLink_RoundTrips()
    {
        var s = await Agent.SendAsync(HttpMethod.Post, "/storage/",
            """{"kind":"http://schemas.ogf.org/occi/infrastructure#storage","title":"disk","attributes":{"occi.storage.size":0.5}}""", Json, Json);
        Assert.Equal(HttpStatusCode.Created, s.StatusCode);
        using var created = JsonDocument.Parse(await s.BodyAsync());
        Assert.Equal(0.5, created.RootElement.GetProperty("attributes").GetProperty("occi.storage.size").GetDouble());
        var storage = s.LocationPath();

        var c = await Agent.SendAsync(HttpMethod.Post, "/compute/", $$$"""
            {"kind":"http://schemas.ogf.org/occi/infrastructure#compute",
             "mixins":["http://node.test/occi/infrastructure/resource_tpl#small"],
             "attributes":{"occi.compute.cores":2,"occi.core.title":"web02"},
             "links":[{"kind":"http://schemas.ogf.org/occi/infrastructure#storagelink","id":"l-1",
                       "source":{"location":"/compute/"},"target":{"location":"{{{storage}}}","kind":"http://schemas.ogf.org/occi/infrastructure#storage"}}]}
            """, Json, Json);
        Assert.Equal(HttpStatusCode.Created, c.StatusCode);
        var get = await Agent.SendAsync(HttpMethod.Get, c.LocationPath(), accept: Json);
        using var doc = JsonDocument.Parse(await get.BodyAsync());
        var root = doc.RootElement;
        Assert.Equal("http://schemas.ogf.org/occi/infrastructure#compute", root.GetProperty("kind").GetString());
        Assert.Equal(c.LocationPath()["/compute/".Length..], root.GetProperty("id").GetString());
        Assert.Equal(2, root.GetProperty("attributes").GetProperty("occi.compute.cores").GetInt32());
        Assert.Equal("web02", root.GetProperty("title").GetString());
        var link = root.GetProperty("links").EnumerateArray().Single();
        Assert.Equal(storage, link.GetProperty("target").GetProperty("location").GetString());
        Assert.Equal(c.LocationPath(), link.GetProperty("source").GetProperty("location").GetString());
        Assert.Contains(root.GetProperty("actions").EnumerateArray(), a => a.GetString()!.EndsWith("#start"));
    }

    [Fact]
    public async Task Errors_AreJsonWithStatusAndMessage()
    {
        var r = await Agent.SendAsync(HttpMethod.Post, "/storage/", """{"kind":"http://schemas.ogf.org/occi/infrastructure#storage"}""", Json, Json);
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        using var doc = JsonDocument.Parse(await r.BodyAsync());
        Assert.Equal(400, doc.RootElement.GetProperty("status").GetInt32());
        Assert.Contains("occi.storage.size", doc.RootElement.GetProperty("error").GetString());

        var broken = await Agent.SendAsync(HttpMethod.Post, "/storage/", "{not json", Json, Json);
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
    }

    [Fact]
    public async Task Action_JsonInvocation_Works()
    {
        var s = await Agent.SendAsync(HttpMethod.Post, "/storage/",
            """{"kind":"http://schemas.ogf.org/occi/infrastructure#storage","attributes":{"occi.storage.size":0.25}}""", Json, Json);
        var r = await Agent.SendAsync(HttpMethod.Post, s.LocationPath() + "?action=offline",
            """{"action":"http://schemas.ogf.org/occi/infrastructure/storage/action#offline"}""", Json, Json);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        using var doc = JsonDocument.Parse(await r.BodyAsync());
        Assert.Equal("offline", doc.RootElement.GetProperty("attributes").GetProperty("occi.storage.state").GetString());
    }

    [Fact]
    public async Task Collection_Json_HasResourcesArray()
    {
        var empty = await Agent.SendAsync(HttpMethod.Get, "/compute/", accept: Json);
        Assert.Equal("""{"resources":[]}""", await empty.BodyAsync());
        var links = await Agent.SendAsync(HttpMethod.Get, "/storagelink/", accept: Json);
        Assert.Equal("""{"links":[]}""", await links.BodyAsync());
    }
}
