using OcciAgent.Config.Settings;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using OcciAgent.Security;
using OcciAgent.Tests.Http;

namespace OcciAgent.Tests.Security;

/// <summary>401 for missing, wrong and revoked credentials (with both challenges), Basic with a
/// token as an OCCI 1.1 client sends it, and the browser guards (421, 403) that hold whatever
/// the credentials.</summary>
[Trait("Category", "Integration")]
public sealed class AuthenticationTests : AgentTestBase
{
    private string Port => new Uri(Agent.BaseUrl).Port.ToString();

    private static async Task AssertUnauthorized(HttpResponseMessage r, string bodyPart)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        var challenges = r.Headers.WwwAuthenticate.Select(h => h.ToString()).ToList();
        Assert.Equal(["Bearer realm=\"occi-agent\"", "Basic realm=\"occi-agent\""], challenges);
        Assert.Contains(bodyPart, await r.BodyAsync());
    }

    [Fact]
    public async Task No_CredentialsIs401WithBothChallengesAndNothingHappens()
    {
        using var c = Agent.NewClient();
        await AssertUnauthorized(await c.GetAsync("/-/"), "authentication required");
        var post = await c.PostAsync("/storage/", new StringContent(Lines(StorageKind, "X-OCCI-Attribute: occi.storage.size=1"), null, "text/plain"));
        await AssertUnauthorized(post, "Authorization: Bearer TOKEN");
        Assert.Empty(Directory.GetFiles(Path.Combine(Agent.StateDir, "volumes")));
    }

    [Theory]
    [InlineData("Bearer occi_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "not valid")]
    [InlineData("Bearer nonsense", "not valid")]
    [InlineData("Digest username=x", "must be 'Bearer TOKEN' or Basic")]
    [InlineData("Basic !!!", "must be 'Bearer TOKEN' or Basic")]
    public async Task A_WrongCredentialIs401(string authorization, string bodyPart)
    {
        using var c = Agent.NewClient();
        c.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        await AssertUnauthorized(await c.GetAsync("/-/"), bodyPart);
    }

    [Fact]
    public async Task The_RightIdWithAWrongSecretIs401()
    {
        var token = Agent.AdminToken!;
        var forged = token[..^4] + (token[^4..] == "AAAA" ? "BBBB" : "AAAA");
        using var c = Agent.NewClient();
        c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", forged);
        await AssertUnauthorized(await c.GetAsync("/-/"), "not valid");
    }

    [Fact]
    public async Task Basic_WithAnyUserAndTheTokenAsPasswordServesAnOcci11Client()
    {
        using var c = Agent.NewClient();
        c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes("rocci-user:" + Agent.AdminToken)));
        c.DefaultRequestHeaders.UserAgent.ParseAdd("rOCCI-core/4.3 OCCI/1.1");
        var get = new HttpRequestMessage(HttpMethod.Get, "/-/");
        get.Headers.Accept.ParseAdd("text/occi");
        Assert.Equal(HttpStatusCode.OK, (await c.SendAsync(get)).StatusCode);
        var post = new HttpRequestMessage(HttpMethod.Post, "/compute/") { Content = new ByteArrayContent([]) };
        post.Content.Headers.TryAddWithoutValidation("Content-Type", "text/occi");
        post.Headers.TryAddWithoutValidation("Category", ComputeKind["Category: ".Length..]);
        var created = await c.SendAsync(post);
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"{(int)created.StatusCode}: {await created.BodyAsync()}");
    }

    [Fact]
    public async Task A_RevokedTokenIsRefusedWithinASecondWhileTheAgentRuns()
    {
        var file = new TokenFile(Agent.StateDir);
        var token = TokenCommand.Create(file, "short-lived", Role.Operator);
        using var c = Agent.NewClient();
        c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        // A token created while the agent runs works without a restart, once its file change is seen.
        var watch = Stopwatch.StartNew();
        while ((await c.GetAsync("/-/")).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), "a new token was not accepted within a second");
            await Task.Delay(20);
        }
        Assert.True(file.Update(l => l.Tokens.RemoveAll(t => t.Name == "short-lived")) == 1);
        watch.Restart();
        HttpResponseMessage r;
        while ((r = await c.GetAsync("/-/")).StatusCode == HttpStatusCode.OK)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), "the revoked token still worked after a second");
            await Task.Delay(20);
        }
        await AssertUnauthorized(r, "not valid");
        // The admin token is untouched by the revocation.
        Assert.Equal(HttpStatusCode.OK, (await Agent.Client.GetAsync("/-/")).StatusCode);
    }

    [Fact]
    public async Task A_RebindingHostIs421WhateverTheCredentials()
    {
        var r = await Agent.SendAsync(HttpMethod.Get, "/-/", headers: ("Host", "attacker.example:" + Port));
        Assert.Equal(HttpStatusCode.MisdirectedRequest, r.StatusCode);
        Assert.Contains("allowedHosts", await r.BodyAsync());
        // The right name on another port is a different origin too.
        Assert.Equal(HttpStatusCode.MisdirectedRequest, (await Agent.SendAsync(HttpMethod.Get, "/-/", headers: ("Host", "localhost:1"))).StatusCode);
        foreach (var ok in new[] { "localhost:" + Port, "127.0.0.1:" + Port, System.Net.Dns.GetHostName() + ":" + Port })
            Assert.Equal(HttpStatusCode.OK, (await Agent.SendAsync(HttpMethod.Get, "/-/", headers: ("Host", ok))).StatusCode);
    }

    [Fact]
    public async Task A_CrossSiteTextPlainFormPostIs403EvenWithValidBasicCredentials()
    {
        using var c = Agent.NewClient();
        c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes("browser:" + Agent.AdminToken)));
        var form = new HttpRequestMessage(HttpMethod.Post, "/storage/")
        {
            Content = new StringContent(Lines(StorageKind, "X-OCCI-Attribute: occi.storage.size=1"), null, "text/plain"),
        };
        form.Headers.TryAddWithoutValidation("Origin", "http://evil.example");
        form.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "cross-site");
        var r = await c.SendAsync(form);
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        Assert.Contains("origin 'http://evil.example'", await r.BodyAsync());
        Assert.False(r.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.Empty(Directory.GetFiles(Path.Combine(Agent.StateDir, "volumes")));
        // Fetch metadata alone (no Origin) is refused too.
        var noOrigin = await Agent.SendAsync(HttpMethod.Get, "/-/", headers: ("Sec-Fetch-Site", "cross-site"));
        Assert.Equal(HttpStatusCode.Forbidden, noOrigin.StatusCode);
        // Without Origin a plain client is not affected, and gets no CORS headers.
        var plain = await Agent.SendAsync(HttpMethod.Get, "/-/");
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.False(plain.Headers.Contains("Access-Control-Allow-Origin"));
    }
}

/// <summary>allowedHosts and allowedOrigins from the config: a proxy name is accepted, a
/// configured web origin gets CORS headers and its preflight answered.</summary>
[Trait("Category", "Integration")]
public sealed class ConfiguredBrowserAccessTests : AgentTestBase
{
    protected override void BeforeStart(AgentServer server)
    {
        server.Options.AllowedHosts = ["occi.example.org"];
        server.Options.AllowedOrigins = ["https://console.example.org"];
    }

    [Fact]
    public async Task Allowed_HostAndOrigin()
    {
        Assert.Equal(HttpStatusCode.OK, (await Agent.SendAsync(HttpMethod.Get, "/-/", headers: ("Host", "occi.example.org"))).StatusCode);
        var r = await Agent.SendAsync(HttpMethod.Get, "/-/", headers: ("Origin", "https://console.example.org"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("https://console.example.org", r.Header("Access-Control-Allow-Origin"));
        var preflight = new HttpRequestMessage(HttpMethod.Options, "/storage/");
        preflight.Headers.TryAddWithoutValidation("Origin", "https://console.example.org");
        preflight.Headers.TryAddWithoutValidation("Access-Control-Request-Method", "POST");
        using var anonymous = Agent.NewClient();
        var p = await anonymous.SendAsync(preflight);
        Assert.Equal(HttpStatusCode.NoContent, p.StatusCode);
        Assert.Contains("Authorization", p.Header("Access-Control-Allow-Headers"));
        Assert.Equal(HttpStatusCode.Forbidden, (await Agent.SendAsync(HttpMethod.Get, "/-/", headers: ("Origin", "https://other.example.org"))).StatusCode);
    }
}

/// <summary><c>auth: "none"</c>: anonymous full access, and no token is made.</summary>
[Trait("Category", "Integration")]
public sealed class AuthNoneTests : AgentTestBase
{
    protected override void BeforeStart(AgentServer server) => server.Options.Http.Auth = AuthMode.None;

    [Fact]
    public async Task Anonymous_FullAccessAndNoAdminToken()
    {
        using var c = Agent.NewClient();
        Assert.Equal(HttpStatusCode.OK, (await c.GetAsync("/-/")).StatusCode);
        var mixin = await c.PostAsync("/-/", new StringContent(Lines("Category: prod; scheme=\"http://example.org/tags#\"; class=\"mixin\"; location=\"/tags/prod/\""), null, "text/plain"));
        Assert.Equal(HttpStatusCode.OK, mixin.StatusCode);
        Assert.False(File.Exists(Agent.AdminTokenPath));
        Assert.False(File.Exists(Path.Combine(Agent.StateDir, "tokens.json")));
        // The browser guards still hold.
        Assert.Equal(HttpStatusCode.MisdirectedRequest, (await c.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/-/") { Headers = { Host = "evil.example" } })).StatusCode);
    }
}
