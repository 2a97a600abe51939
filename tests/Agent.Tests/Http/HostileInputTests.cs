using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using OcciAgent.Store;

namespace OcciAgent.Tests.Http;

/// <summary>Hostile input can neither wedge, bloat nor half-change the agent: each test is one
/// reproducer of a defect that was found by attacking it from outside.</summary>
[Trait("Category", "Integration")]
public sealed class HostileInputTests : AgentTestBase
{
    private const string StorageOffline = "Category: offline; scheme=\"http://schemas.ogf.org/occi/infrastructure/storage/action#\"; class=\"action\"";

    private static string Mixins(int count, string prefix) =>
        string.Concat(Enumerable.Range(0, count).Select(i => $"Category: {prefix}{i}; scheme=\"http://x.test/t#\"; class=\"mixin\"; location=\"/{prefix}/{i}/\"\r\n"));

    private Task<string> StorageAsync() =>
        CreateAsync("/storage/", StorageKind, "X-OCCI-Attribute: occi.storage.size=0.001");

    [Fact]
    public async Task UserMixins_AThousandInOneRequest_AreAllCreated_AndOneMoreIsRefusedWhole()
    {
        var r = await Agent.SendAsync(HttpMethod.Post, "/-/", Mixins(1000, "a"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var listing = await GetTextAsync("/-/");
        Assert.Contains("location=\"/a/999/\"", listing);
        var over = await Agent.SendAsync(HttpMethod.Post, "/-/", Mixins(1001, "b"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, over.StatusCode);
        Assert.Contains("the limit is 1000", await over.BodyAsync());
        Assert.DoesNotContain("/b/0/", await GetTextAsync("/-/"));
    }

    [Fact]
    public async Task Body_OfAHundredMegabytes_Is413NamingTheLimit()
    {
        var answer = await RawHttp.SendAsync(Agent,
            "POST /storage/ HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 100000000\r\n\r\n", new byte[64 * 1024]);
        Assert.Equal(413, RawHttp.Status(answer));
        Assert.Contains("maxRequestBytes", answer);
    }

    [Fact]
    public async Task ContentLength_OfTwentyFourDigits_Is400NotADroppedConnection()
    {
        var answer = await RawHttp.SendAsync(Agent, "POST /storage/ HTTP/1.1\r\nHost: x\r\nContent-Length: 123456789012345678901234\r\n\r\n");
        Assert.Equal(400, RawHttp.Status(answer));
    }

    [Fact]
    public async Task Action_WithUnrenderableAccept_Is400AndChangesNothing()
    {
        var path = await StorageAsync();
        var r = await Agent.SendAsync(HttpMethod.Post, path + "?action=offline", Lines(StorageOffline), accept: "text/uri-list");
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Equal("\"online\"", Attr(await GetTextAsync(path), "occi.storage.state"));
        var update = await Agent.SendAsync(HttpMethod.Post, path, Lines("X-OCCI-Attribute: occi.core.title=\"changed\""), accept: "text/uri-list");
        Assert.Equal(HttpStatusCode.BadRequest, update.StatusCode);
        Assert.Null(Attr(await GetTextAsync(path), "occi.core.title"));
        var mixin = await Agent.SendAsync(HttpMethod.Post, "/-/", Mixins(1, "u"), accept: "text/uri-list");
        Assert.Equal(HttpStatusCode.BadRequest, mixin.StatusCode);
        Assert.DoesNotContain("/u/0/", await GetTextAsync("/-/"));
    }

    [Fact]
    public async Task UserMixin_WithAControlCharacterInItsLocation_Is400AndNotStored()
    {
        var r = await Agent.SendAsync(HttpMethod.Post, "/-/", "Category: p; scheme=\"http://x.test/d#\"; class=\"mixin\"; location=\"/p\u007f/\"\r\n");
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        var occi = await Agent.SendAsync(HttpMethod.Get, "/-/", accept: "text/occi");
        Assert.Equal(HttpStatusCode.OK, occi.StatusCode);
        Assert.DoesNotContain("x.test/d#", string.Join(",", occi.Headers.SelectMany(h => h.Value)));
    }

    /// <summary>Data stored by an older agent, before locations were checked, still renders.</summary>
    [Fact]
    public async Task StoredMixin_WithAControlCharacter_RendersInHeadersPercentEncoded()
    {
        await Agent.StopAsync();
        using (var store = LiteDbEntityStore.OpenIn(Agent.StateDir))
            store.SaveUserMixin(new UserMixinRecord("http://x.test/d#", "p", "bad\u0001title", "/p\u007f/", [], []));
        await Agent.StartAgainAsync();
        var occi = await Agent.SendAsync(HttpMethod.Get, "/-/", accept: "text/occi");
        Assert.Equal(HttpStatusCode.OK, occi.StatusCode);
        var category = string.Join(",", occi.Headers.GetValues("Category"));
        Assert.Contains("location=\"/p%7F/\"", category);
        Assert.Contains("title=\"bad%01title\"", category);
    }

    [Fact]
    public async Task CollectionDelete_WithAMistypedFilter_Is400AndDeletesNothing()
    {
        var path = await StorageAsync();
        var id = path.Split('/')[^1];
        var query = await Agent.SendAsync(HttpMethod.Delete, "/storage/?occi.storage.size=100000");
        Assert.Equal(HttpStatusCode.BadRequest, query.StatusCode);
        Assert.Contains("occi.storage.size", await query.BodyAsync());
        var header = await Agent.SendAsync(HttpMethod.Delete, "/storage/", headers: ("X-OCCI-Attribute", "occi.storage.size=100000"));
        Assert.Equal(HttpStatusCode.BadRequest, header.StatusCode);
        var body = await Agent.SendAsync(HttpMethod.Delete, "/storage/", Lines("X-OCCI-Attribute: occi.storage.size=100000"));
        Assert.Equal(HttpStatusCode.BadRequest, body.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Agent.SendAsync(HttpMethod.Get, path)).StatusCode);
        Assert.True(File.Exists(Agent.VolumePath(id)));
    }

    [Theory]
    [InlineData("GET", "/storage/?foo=1")]
    [InlineData("GET", "/-/?page=1")]
    [InlineData("GET", "/storage/?page=1&page=2")]
    [InlineData("GET", "/storage/?=1")]
    [InlineData("POST", "/storage/?bogus")]
    [InlineData("DELETE", "/-/?x=y")]
    [InlineData("PUT", "/compute/fresh-id?x=y")]
    public async Task UnknownOrMalformedQueryParameters_Are400(string method, string path)
    {
        var r = await Agent.SendAsync(new HttpMethod(method), path, method is "GET" or "DELETE" ? null : Lines(ComputeKind));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Agent.SendAsync(HttpMethod.Get, "/compute/fresh-id")).StatusCode);
    }

    [Fact]
    public async Task EntityQueryParameter_OnAnEntity_Is400AndChangesNothing()
    {
        var path = await StorageAsync();
        var r = await Agent.SendAsync(HttpMethod.Delete, path + "?force=1");
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Agent.SendAsync(HttpMethod.Get, path)).StatusCode);
    }

    [Fact]
    public async Task UserAgent_WithNonAsciiDigits_IsServed()
    {
        // HttpClient sends only ASCII header values; the agent reads them as UTF-8.
        var answer = await RawHttp.SendAsync(Agent, "GET /-/ HTTP/1.1\r\nHost: x\r\nUser-Agent: OCCI/١.٣\r\n\r\n");
        Assert.Equal(200, RawHttp.Status(answer));
    }

    [Fact]
    public async Task ControlCharacterInThePath_Is404WithTheCharacterEncodedInTheErrorHeader()
    {
        var r = await Agent.SendAsync(HttpMethod.Get, "/storage/%7F", accept: "text/occi");
        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        Assert.Contains("%7F", r.Header("X-OCCI-Error"));
        Assert.Contains("\u007f", await r.BodyAsync());
    }

    [Theory]
    [InlineData("8589934592")]
    [InlineData("8589934591.99")]
    [InlineData("16385")]
    public async Task StorageSize_AboveTheMaximum_Is400NamingTheSettingWithoutHostPaths(string size)
    {
        var r = await Agent.SendAsync(HttpMethod.Post, "/storage/", Lines(StorageKind, $"X-OCCI-Attribute: occi.storage.size={size}"));
        var body = await r.BodyAsync();
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Contains("maxStorageGiB", body);
        Assert.DoesNotContain(Agent.StateDir, body);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(Agent.StateDir, "volumes"), "*.qcow2"));
    }

    [Fact]
    public async Task ComputeMemory_AboveTheHostsRam_Is400AtCreateAndUpdate()
    {
        var r = await Agent.SendAsync(HttpMethod.Post, "/compute/", Lines(ComputeKind, "X-OCCI-Attribute: occi.compute.memory=10000"));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Contains("GiB of memory", await r.BodyAsync());
        var path = await CreateAsync("/compute/", ComputeKind, SmallTpl);
        var update = await Agent.SendAsync(HttpMethod.Post, path, Lines("X-OCCI-Attribute: occi.compute.memory=10000"));
        Assert.Equal(HttpStatusCode.BadRequest, update.StatusCode);
        var cores = await Agent.SendAsync(HttpMethod.Post, path, Lines($"X-OCCI-Attribute: occi.compute.cores={Environment.ProcessorCount + 1}"));
        Assert.Equal(HttpStatusCode.BadRequest, cores.StatusCode);
        Assert.Contains("CPUs", await cores.BodyAsync());
        var body = await GetTextAsync(path);
        Assert.Equal("1.0", Attr(body, "occi.compute.memory"));
        Assert.Equal("1", Attr(body, "occi.compute.cores"));
    }

    /// <summary>A client that gives up mid-upload is not an agent failure: no error record, no 500.</summary>
    [Fact]
    public async Task AbortedUpload_IsNotLoggedAsAnError()
    {
        var log = new CapturedLog();
        await Agent.StopAsync();
        Agent.Logging = l => l.AddProvider(log);
        await Agent.StartAgainAsync();
        for (var i = 0; i < 5; i++)
            await RawHttp.SendAsync(Agent, "POST /storage/ HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n",
                Encoding.ASCII.GetBytes(StorageKind), closeEarly: true);
        await Task.Delay(500);
        Assert.Equal(HttpStatusCode.OK, (await Agent.SendAsync(HttpMethod.Get, "/storage/")).StatusCode);
        Assert.DoesNotContain(log.Records, r => r.Level >= LogLevel.Error);
    }
}
