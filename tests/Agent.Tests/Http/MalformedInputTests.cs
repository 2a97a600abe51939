using System.Net;

namespace OcciAgent.Tests.Http;

/// <summary>Bad input never yields a 500 and never changes stored state: a
/// corpus of malformed requests against every kind of path, in every request media type.</summary>
[Trait("Category", "Integration")]
public sealed class MalformedInputTests : AgentTestBase
{
    public static TheoryData<string, string, string, string> Corpus()
    {
        const string plain = "text/plain", occi = "text/occi", json = "application/occi+json", uri = "text/uri-list";
        return new()
        {
            { "POST", "/compute/", plain, "Category: compute" },
            { "POST", "/compute/", plain, "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"kind" },
            { "POST", "/compute/", plain, "Category: ; scheme=\"x#\"" },
            { "POST", "/compute/", plain, "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"\nX-OCCI-Attribute: occi.compute.cores" },
            { "POST", "/compute/", plain, "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"\nX-OCCI-Attribute: =1" },
            { "POST", "/compute/", plain, "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"\nX-OCCI-Attribute: occi.compute.cores=99999999999999999999999" },
            { "POST", "/compute/", plain, "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"\nX-OCCI-Attribute: occi.compute.memory=1e400" },
            { "POST", "/compute/", plain, "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"\nX-OCCI-Attribute: occi.compute.memory=-1" },
            { "POST", "/compute/", plain, "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"\nLink: <" },
            { "POST", "/compute/", plain, "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"\nLink: </nowhere/x>; rel=\"http://x#y\"" },
            { "POST", "/compute/", plain, "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"\nLink: </storage/x>; rel=\"http://schemas.ogf.org/occi/infrastructure#storage\"; category=\"notatypeid\"" },
            { "POST", "/compute/", plain, "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"\nX-OCCI-Location: /compute/x" },
            { "POST", "/compute/", plain, "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"\nX-OCCI-Attribute: occi.core.id=\"../../etc\"" },
            { "POST", "/compute/", plain, "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"\nX-OCCI-Attribute: occi.core.title=\"a\u0000b\"" },
            { "POST", "/compute/", plain, "Category: start; scheme=\"http://schemas.ogf.org/occi/infrastructure/compute/action#\"; class=\"action\"" },
            { "POST", "/compute/", plain, "\u00ff\u00fe garbage" },
            { "POST", "/compute/", occi, "" },
            { "POST", "/storage/", json, "{\"kind\": 5}" },
            { "POST", "/storage/", json, "[1,2,3]" },
            { "POST", "/storage/", json, "{\"kind\":\"http://schemas.ogf.org/occi/infrastructure#storage\",\"attributes\":{\"occi.storage.size\":\"big\"}}" },
            { "POST", "/storage/", json, "{\"kind\":\"http://schemas.ogf.org/occi/infrastructure#storage\",\"attributes\":{\"occi.storage.size\":1e309}}" },
            { "POST", "/storage/", json, "{\"kind\":\"http://schemas.ogf.org/occi/infrastructure#storage\",\"attributes\":{\"occi.storage.size\":[1]}}" },
            { "POST", "/storage/", json, "{\"kind\":\"http://schemas.ogf.org/occi/infrastructure#storage\",\"attributes\":{\"occi.storage.size\":99999999999}}" },
            { "POST", "/storage/", json, "{\"kinds\":[]}" },
            { "POST", "/storage/", json, "\"just a string\"" },
            { "POST", "/storagelink/", json, "{\"kind\":\"http://schemas.ogf.org/occi/infrastructure#storagelink\",\"source\":{\"location\":\"/compute/x\"},\"target\":{\"location\":\"/storage/y\"}}" },
            { "POST", "/storagelink/", plain, "Category: storagelink; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"" },
            { "POST", "/networkinterface/", plain, "Category: networkinterface; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"\nX-OCCI-Attribute: occi.core.source=\"http://elsewhere.example/compute/1\"\nX-OCCI-Attribute: occi.core.target=\"/network/2\"" },
            { "POST", "/", plain, "X-OCCI-Attribute: occi.core.title=\"no kind\"" },
            { "POST", "/", plain, "" },
            { "POST", "/-/", plain, "Category: t; scheme=\"not a uri#\"; class=\"mixin\"; location=\"/t/\"" },
            { "POST", "/-/", plain, "Category: t; scheme=\"http://x.example/t#\"; class=\"kind\"; location=\"/t/\"" },
            { "POST", "/-/", plain, "Category: t; scheme=\"http://x.example/t#\"; class=\"mixin\"; location=\"relative/\"" },
            { "POST", "/-/", plain, "Category: t; scheme=\"http://x.example/t#\"; class=\"mixin\"; location=\"/t/\"; rel=\"http://nowhere#x\"" },
            { "POST", "/-/", plain, "Category: t; scheme=\"http://x.example/t#\"; class=\"mixin\"; location=\"/t/\"; attributes=\"com.x.a\"" },
            { "POST", "/-/", json, "{\"mixins\":[{\"term\":\"t\"}]}" },
            { "POST", "/-/", plain, "" },
            { "DELETE", "/-/", plain, "" },
            { "DELETE", "/-/", plain, "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"" },
            { "PUT", "/compute/", plain, "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"" },
            { "PUT", "/compute/bad id!", plain, "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"" },
            { "PUT", "/compute/abc", plain, "Category: storage; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"\nX-OCCI-Attribute: occi.storage.size=1" },
            { "PUT", "/compute/abc", plain, "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"\nX-OCCI-Attribute: occi.core.id=\"other\"" },
            { "PUT", "/nowhere/abc", plain, "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"" },
            { "POST", "/mixin/os_tpl/", uri, "http://127.0.0.1:1/compute/ghost" },
            { "POST", "/mixin/resource_tpl/small/", plain, "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"" },
            { "POST", "/compute/?action=", plain, "" },
            { "POST", "/compute/?action=start", plain, "X-OCCI-Attribute: nonsense=1" },
            { "GET", "/compute/?page=x", plain, "" },
            { "GET", "/compute/?number=-5", plain, "" },
            { "GET", "/compute/?category=nothing-like-this", plain, "" },
            { "DELETE", "/", plain, "" },
            { "PATCH", "/compute/", plain, "" },
            { "GET", "/compute/%2e%2e/etc", plain, "" },
        };
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task MalformedRequest_Is4xxWithMessageAndChangesNothing(string method, string path, string contentType, string body)
    {
        var before = await GetTextAsync("/");
        var mixins = await GetTextAsync("/-/");
        var r = await Agent.SendAsync(new HttpMethod(method), path, body, contentType,
            headers: contentType == "text/occi" ? [("Category", "compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"kind\""), ("X-OCCI-Attribute", "occi.compute.cores=\"x\"")] : []);
        var text = await r.BodyAsync();
        Assert.True((int)r.StatusCode is >= 400 and < 500, $"{method} {path}: expected 4xx, got {(int)r.StatusCode}: {text}");
        Assert.False(string.IsNullOrWhiteSpace(text), "the error carries a message");
        Assert.Equal(before, await GetTextAsync("/"));
        Assert.Equal(mixins, await GetTextAsync("/-/"));
        Assert.Empty(Directory.GetFiles(Path.Combine(Agent.StateDir, "volumes")));
    }
}

/// <summary>The same promise for updates, replaces and actions on an existing entity.</summary>
[Trait("Category", "Integration")]
public sealed class MalformedUpdateTests : AgentTestBase
{
    public static TheoryData<string, string, string> Corpus() => new()
    {
        { "POST", "", "X-OCCI-Attribute: occi.compute.cores=\"many\"" },
        { "POST", "", "X-OCCI-Attribute: occi.compute.state=\"active\"" },
        { "POST", "", "X-OCCI-Attribute: occi.core.id=\"other\"" },
        { "POST", "", "X-OCCI-Location: /compute/x" },
        { "POST", "", "Category: storage; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"" },
        { "POST", "", "Category: ghost; scheme=\"http://x.example/t#\"; class=\"mixin\"" },
        { "POST", "", "Category: ipnetwork; scheme=\"http://schemas.ogf.org/occi/infrastructure/network#\"; class=\"mixin\"" },
        { "POST", "", "Link: </network/none>; rel=\"http://schemas.ogf.org/occi/infrastructure#network\"" },
        { "POST", "", "X-OCCI-Attribute: com.example.unknown=1" },
        { "PUT", "", "X-OCCI-Attribute: occi.compute.memory=0" },
        { "PUT", "", "Category: network; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"" },
        { "PUT", "", "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"\nLink: </storage/x>; rel=\"http://schemas.ogf.org/occi/infrastructure#storage\"" },
        { "POST", "?action=save", "X-OCCI-Attribute: method=\"later\"" },
        { "POST", "?action=start", "Category: start; scheme=\"http://wrong.example/action#\"; class=\"action\"" },
        { "POST", "?action=start", "Category: start; scheme=\"http://schemas.ogf.org/occi/infrastructure/compute/action#\"\nCategory: stop; scheme=\"http://schemas.ogf.org/occi/infrastructure/compute/action#\"" },
        { "POST", "?action=online", "" },
        { "DELETE", "x", "" },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task MalformedChange_Is4xxAndEntityUnchanged(string method, string suffix, string body)
    {
        var path = await CreateAsync("/compute/", ComputeKind, SmallTpl, "X-OCCI-Attribute: occi.core.title=\"keep\"");
        var before = await GetTextAsync(path);
        var r = await Agent.SendAsync(new HttpMethod(method), path + suffix, Lines(body));
        var text = await r.BodyAsync();
        Assert.True((int)r.StatusCode is >= 400 and < 500, $"{method} {suffix}: expected 4xx, got {(int)r.StatusCode}: {text}");
        Assert.Equal(before, await GetTextAsync(path));
    }
}
