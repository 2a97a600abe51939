using System.Net;
using System.Text;
using OcciAgent.Config;

namespace OcciAgent.Tests.Http;

/// <summary>Every limit of README "Limits", at its value (served) and one past it (a 4xx that
/// names the limit).</summary>
[Trait("Category", "Integration")]
public sealed class LimitTests : AgentTestBase
{
    private const string UserData = "Category: user_data; scheme=\"http://schemas.ogf.org/occi/infrastructure/compute#\"; class=\"mixin\"";
    private const string SshKey = "Category: ssh_key; scheme=\"http://schemas.ogf.org/occi/infrastructure/credentials#\"; class=\"mixin\"";

    protected override void BeforeStart(AgentServer server) => server.Options.MaxUserMixins = 1005;

    private static string Repeat(string line, int times) => string.Concat(Enumerable.Repeat(line + "\r\n", times));

    private async Task AssertTooLarge(HttpResponseMessage r, string limitText)
    {
        var body = await r.BodyAsync();
        Assert.True(r.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"expected 413, got {(int)r.StatusCode}: {body}");
        Assert.Contains(limitText, body);
    }

    private static async Task AssertNot413(HttpResponseMessage r) =>
        Assert.True((int)r.StatusCode is not 413 and < 500, $"expected an answer within the limit, got {(int)r.StatusCode}: {await r.BodyAsync()}");

    [Fact]
    public async Task RequestBody_AtTheLimitIsRead_OneByteMoreIs413()
    {
        var max = RequestLimits.DefaultMaxRequestBytes;
        var head = StorageKind + "\r\nX-OCCI-Attribute: occi.storage.size=0.001\r\n";
        var atLimit = head + new string(' ', max - Encoding.UTF8.GetByteCount(head));
        Assert.Equal(HttpStatusCode.Created, (await Agent.SendAsync(HttpMethod.Post, "/storage/", atLimit)).StatusCode);
        // The agent refuses by Content-Length before reading and closes the connection; a client
        // still writing the body then gets EPIPE instead of the answer. Expect: 100-continue (as
        // curl sends for large bodies) lets it read the 413 before sending the body.
        var over = new HttpRequestMessage(HttpMethod.Post, "/storage/") { Content = new StringContent(atLimit + " ", null, "text/plain") };
        over.Headers.ExpectContinue = true;
        await AssertTooLarge(await Agent.Client.SendAsync(over), $"limit of {max} bytes (maxRequestBytes)");
    }

    /// <summary>A chunked body announces no length: it is refused once the limit is passed.</summary>
    [Fact]
    public async Task ChunkedBody_PastTheLimit_Is413()
    {
        var max = RequestLimits.DefaultMaxRequestBytes;
        var body = Encoding.UTF8.GetBytes(StorageKind + "\r\n" + new string(' ', max));
        var req = new HttpRequestMessage(HttpMethod.Post, "/storage/") { Content = new StreamContent(new MemoryStream(body)) };
        req.Content.Headers.TryAddWithoutValidation("Content-Type", "text/plain");
        req.Headers.TransferEncodingChunked = true;
        var r = await Agent.Client.SendAsync(req);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.StatusCode);
        Assert.Contains(max.ToString(System.Globalization.CultureInfo.InvariantCulture), await r.BodyAsync());
    }

    [Fact]
    public async Task Categories_AThousandAreRead_OneMoreIs413()
    {
        var line = $"Category: small; scheme=\"http://node.test/occi/infrastructure/resource_tpl#\"; class=\"mixin\"";
        await AssertNot413(await Agent.SendAsync(HttpMethod.Post, "/compute/", Lines(ComputeKind) + Repeat(line, 999)));
        await AssertTooLarge(await Agent.SendAsync(HttpMethod.Post, "/compute/", Lines(ComputeKind) + Repeat(line, 1000)), "1001 categories; the limit is 1000");
    }

    [Fact]
    public async Task Attributes_AThousandAreRead_OneMoreIs413()
    {
        var line = "X-OCCI-Attribute: occi.core.title=\"x\"";
        await AssertNot413(await Agent.SendAsync(HttpMethod.Post, "/compute/", Lines(ComputeKind) + Repeat(line, 1000)));
        await AssertTooLarge(await Agent.SendAsync(HttpMethod.Post, "/compute/", Lines(ComputeKind) + Repeat(line, 1001)), "1001 attributes; the limit is 1000");
    }

    [Fact]
    public async Task Links_AHundredAreRead_OneMoreIs413()
    {
        var line = $"Link: </storage/none>; rel=\"{Infra}storage\"; category=\"{Infra}storagelink\"";
        await AssertNot413(await Agent.SendAsync(HttpMethod.Post, "/compute/", Lines(ComputeKind) + Repeat(line, 100)));
        await AssertTooLarge(await Agent.SendAsync(HttpMethod.Post, "/compute/", Lines(ComputeKind) + Repeat(line, 101)), "101 links; the limit is 100");
    }

    [Fact]
    public async Task Locations_AThousandAreRead_OneMoreIs413()
    {
        var line = "X-OCCI-Location: /compute/none";
        await AssertNot413(await Agent.SendAsync(HttpMethod.Post, "/mixin/resource_tpl/small/", Repeat(line, 1000)));
        await AssertTooLarge(await Agent.SendAsync(HttpMethod.Post, "/mixin/resource_tpl/small/", Repeat(line, 1001)), "1001 locations; the limit is 1000");
    }

    [Fact]
    public async Task Title_Of4096CharactersIsStored_OneMoreIs413()
    {
        var max = RequestLimits.MaxValueChars;
        var path = await CreateAsync("/compute/", ComputeKind, $"X-OCCI-Attribute: occi.core.title=\"{new string('t', max)}\"");
        Assert.Equal(max + 2, Attr(await GetTextAsync(path), "occi.core.title")!.Length);
        await AssertTooLarge(await Agent.SendAsync(HttpMethod.Post, "/compute/", Lines(ComputeKind, $"X-OCCI-Attribute: occi.core.summary=\"{new string('t', max + 1)}\"")),
            $"attribute occi.core.summary is {max + 1} characters long; the limit is {max}");
    }

    [Fact]
    public async Task UserData_Of256KiBIsStored_OneMoreIs413()
    {
        var max = RequestLimits.MaxUserDataChars;
        Assert.True(max >= 64 * 1024);
        var path = await CreateAsync("/compute/", ComputeKind, UserData, $"X-OCCI-Attribute: occi.compute.userdata=\"{new string('A', max)}\"");
        Assert.Equal(max + 2, Attr(await GetTextAsync(path), "occi.compute.userdata")!.Length);
        await AssertTooLarge(await Agent.SendAsync(HttpMethod.Post, "/compute/", Lines(ComputeKind, UserData, $"X-OCCI-Attribute: occi.compute.userdata=\"{new string('A', max + 1)}\"")),
            $"the limit is {max}");
    }

    [Fact]
    public async Task SshKey_Of16KiBIsStored_OneMoreIs413()
    {
        var max = RequestLimits.MaxSshKeyChars;
        var key = "ssh-ed25519 " + new string('A', max - 12);
        var path = await CreateAsync("/compute/", ComputeKind, SshKey, $"X-OCCI-Attribute: occi.credentials.ssh.publickey=\"{key}\"");
        Assert.Equal(max + 2, Attr(await GetTextAsync(path), "occi.credentials.ssh.publickey")!.Length);
        await AssertTooLarge(await Agent.SendAsync(HttpMethod.Post, "/compute/", Lines(ComputeKind, SshKey, $"X-OCCI-Attribute: occi.credentials.ssh.publickey=\"{key}A\"")),
            $"the limit is {max}");
    }

    [Fact]
    public async Task UserMixins_UpToMaxUserMixins_OneMoreIs409()
    {
        static string Mixins(int from, int count) => string.Concat(Enumerable.Range(from, count)
            .Select(i => $"Category: m{i}; scheme=\"http://x.test/t#\"; class=\"mixin\"; location=\"/m/{i}/\"\r\n"));
        Assert.Equal(HttpStatusCode.OK, (await Agent.SendAsync(HttpMethod.Post, "/-/", Mixins(0, 1000))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Agent.SendAsync(HttpMethod.Post, "/-/", Mixins(1000, 5))).StatusCode);
        var over = await Agent.SendAsync(HttpMethod.Post, "/-/", Mixins(1005, 1));
        Assert.Equal(HttpStatusCode.Conflict, over.StatusCode);
        Assert.Contains("at most 1005 user mixins (maxUserMixins)", await over.BodyAsync());
        // The limit counts what exists: after a delete there is room again.
        Assert.Equal(HttpStatusCode.OK, (await Agent.SendAsync(HttpMethod.Delete, "/-/", "Category: m0; scheme=\"http://x.test/t#\"; class=\"mixin\"\r\n")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Agent.SendAsync(HttpMethod.Post, "/-/", Mixins(1005, 1))).StatusCode);
    }

    [Fact]
    public async Task PageSize_AtMaxPageSizeIsServed_OneMoreIs413()
    {
        Assert.Equal(HttpStatusCode.OK, (await Agent.SendAsync(HttpMethod.Get, "/compute/?number=1000")).StatusCode);
        var over = await Agent.SendAsync(HttpMethod.Get, "/compute/?number=1001");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, over.StatusCode);
        Assert.Contains("page limit of 1000", await over.BodyAsync());
    }

    [Fact]
    public async Task StorageSize_AtMaxStorageGiBIsCreated_OneMoreIs400()
    {
        var path = await CreateAsync("/storage/", StorageKind, $"X-OCCI-Attribute: occi.storage.size={RequestLimits.DefaultMaxStorageGiB}");
        Assert.Equal((long)RequestLimits.DefaultMaxStorageGiB << 30, AgentServer.VirtualSize(Agent.VolumePath(path.Split('/')[^1])));
        var over = await Agent.SendAsync(HttpMethod.Post, "/storage/", Lines(StorageKind, $"X-OCCI-Attribute: occi.storage.size={RequestLimits.DefaultMaxStorageGiB + 1}"));
        Assert.Equal(HttpStatusCode.BadRequest, over.StatusCode);
        var resize = await Agent.SendAsync(HttpMethod.Post, path, Lines($"X-OCCI-Attribute: occi.storage.size={RequestLimits.DefaultMaxStorageGiB + 1}"));
        Assert.Equal(HttpStatusCode.BadRequest, resize.StatusCode);
        Assert.Contains("maxStorageGiB", await resize.BodyAsync());
    }

    [Fact]
    public async Task Cores_AtTheHostsCpuCountAreAccepted_OneMoreIs400()
    {
        var cpus = Environment.ProcessorCount;
        await CreateAsync("/compute/", ComputeKind, $"X-OCCI-Attribute: occi.compute.cores={cpus}");
        var over = await Agent.SendAsync(HttpMethod.Post, "/compute/", Lines(ComputeKind, $"X-OCCI-Attribute: occi.compute.cores={cpus + 1}"));
        Assert.Equal(HttpStatusCode.BadRequest, over.StatusCode);
        Assert.Contains($"this host's {cpus} CPUs", await over.BodyAsync());
    }

    [Fact]
    public async Task Memory_AtTheHostsRamIsAccepted_MoreIs400()
    {
        var ram = HostCapacity.Read().MemoryGiB;
        await CreateAsync("/compute/", ComputeKind, $"X-OCCI-Attribute: occi.compute.memory={Math.Floor(ram)}");
        var over = await Agent.SendAsync(HttpMethod.Post, "/compute/", Lines(ComputeKind, $"X-OCCI-Attribute: occi.compute.memory={Math.Ceiling(ram) + 1}"));
        Assert.Equal(HttpStatusCode.BadRequest, over.StatusCode);
    }

    /// <summary>Kestrel's header bounds (README "Limits"): beyond them it answers 431 itself.</summary>
    [Fact]
    public async Task Headers_WithinTheBoundsAreRead_BeyondAre431()
    {
        var near = new string('a', RequestLimits.MaxHeaderBytes - 4096);
        await AssertNot413(await Agent.SendAsync(HttpMethod.Get, "/-/", headers: ("X-Padding", near)));
        var big = await Agent.SendAsync(HttpMethod.Get, "/-/", headers: ("X-Padding", near + new string('a', 8192)));
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, big.StatusCode);
        var many = Enumerable.Range(0, RequestLimits.MaxHeaderCount + 1).Select(i => ($"X-H{i}", "v")).ToArray();
        var tooMany = await Agent.SendAsync(HttpMethod.Get, "/-/", headers: many);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, tooMany.StatusCode);
        var fewer = Enumerable.Range(0, RequestLimits.MaxHeaderCount - 10).Select(i => ($"X-H{i}", "v")).ToArray();
        Assert.Equal(HttpStatusCode.OK, (await Agent.SendAsync(HttpMethod.Get, "/-/", headers: fewer)).StatusCode);
    }
}
