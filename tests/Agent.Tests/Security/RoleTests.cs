using System.Net;
using System.Net.Http.Headers;
using OcciAgent.Security;
using OcciAgent.Tests.Http;

namespace OcciAgent.Tests.Security;

/// <summary>Each role against each operation class, over real HTTP to a real agent with tokens
/// made through the token store. A refused request must change nothing.</summary>
[Trait("Category", "Integration")]
public sealed class RoleTests : AgentTestBase
{
    private const string UserMixin = "Category: prod; scheme=\"http://example.org/tags#\"; class=\"mixin\"; location=\"/tags/prod/\"";
    private const string Offline = "Category: offline; scheme=\"http://schemas.ogf.org/occi/infrastructure/storage/action#\"; class=\"action\"";

    private HttpClient ClientWith(Role role)
    {
        var token = TokenCommand.Create(new TokenFile(Agent.StateDir), $"t-{role}-{Guid.NewGuid():N}"[..20], role);
        var c = Agent.NewClient();
        c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        c.DefaultRequestHeaders.Accept.ParseAdd("text/plain");
        return c;
    }

    private static Task<HttpResponseMessage> Send(HttpClient c, HttpMethod m, string path, string? body = null)
    {
        var req = new HttpRequestMessage(m, path);
        if (body is not null) req.Content = new StringContent(body, null, "text/plain");
        return c.SendAsync(req);
    }

    private static async Task Expect(HttpStatusCode expected, Task<HttpResponseMessage> call, string what)
    {
        var r = await call;
        Assert.True(r.StatusCode == expected, $"{what}: expected {(int)expected}, got {(int)r.StatusCode}: {await r.BodyAsync()}");
    }

    [Theory]
    [InlineData(Role.Reader)]
    [InlineData(Role.Operator)]
    [InlineData(Role.Admin)]
    public async Task Each_RoleAgainstEachOperationClass(Role role)
    {
        using var c = ClientWith(role);
        var canOperate = role >= Role.Operator;
        var isAdmin = role == Role.Admin;
        var storage = await CreateAsync("/storage/", StorageKind, "X-OCCI-Attribute: occi.storage.size=1");
        var compute = await CreateAsync("/compute/", ComputeKind, SmallTpl);
        var volumes = Directory.GetFiles(Path.Combine(Agent.StateDir, "volumes")).Length;

        await Expect(HttpStatusCode.OK, Send(c, HttpMethod.Get, "/storage/"), "GET collection");
        await Expect(HttpStatusCode.OK, Send(c, HttpMethod.Get, storage), "GET entity");
        await Expect(HttpStatusCode.OK, Send(c, HttpMethod.Get, "/-/"), "GET query interface");
        await Expect(HttpStatusCode.OK, Send(c, HttpMethod.Get, compute + "/console"), "GET console log");

        await Expect(canOperate ? HttpStatusCode.Created : HttpStatusCode.Forbidden,
            Send(c, HttpMethod.Post, "/storage/", Lines(StorageKind, "X-OCCI-Attribute: occi.storage.size=1")), "create");
        if (!canOperate) Assert.Equal(volumes, Directory.GetFiles(Path.Combine(Agent.StateDir, "volumes")).Length);
        await Expect(canOperate ? HttpStatusCode.OK : HttpStatusCode.Forbidden,
            Send(c, HttpMethod.Post, storage + "?action=offline", Lines(Offline)), "action");
        await Expect(canOperate ? HttpStatusCode.OK : HttpStatusCode.Forbidden,
            Send(c, HttpMethod.Post, storage, Lines("X-OCCI-Attribute: occi.core.title=\"renamed\"")), "update");

        await Expect(isAdmin ? HttpStatusCode.OK : HttpStatusCode.Forbidden, Send(c, HttpMethod.Post, "/-/", Lines(UserMixin)), "define user mixin");
        Assert.Equal(isAdmin, (await GetTextAsync("/-/")).Contains("Category: prod;", StringComparison.Ordinal));
        // Console input reaches the console handler only for admin; the VM is not running, so
        // the handler itself answers (not 401/403).
        var typed = await Send(c, HttpMethod.Post, compute + "/console", "uname\n");
        if (isAdmin) Assert.True(typed.StatusCode is not (HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized), $"console input: {(int)typed.StatusCode}");
        else
        {
            Assert.Equal(HttpStatusCode.Forbidden, typed.StatusCode);
            Assert.Contains("needs admin", await typed.BodyAsync());
        }

        await Expect(canOperate ? HttpStatusCode.OK : HttpStatusCode.Forbidden, Send(c, HttpMethod.Delete, storage), "delete");
        Assert.Equal(canOperate ? HttpStatusCode.NotFound : HttpStatusCode.OK, (await Agent.SendAsync(HttpMethod.Get, storage)).StatusCode);
    }

    [Fact]
    public async Task A_RefusalNamesTheRoleAndWhatWasNeeded()
    {
        using var c = ClientWith(Role.Reader);
        var r = await Send(c, HttpMethod.Delete, "/storage/");
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        var body = await r.BodyAsync();
        Assert.Contains("has the role reader", body);
        Assert.Contains("DELETE /storage/ needs operator", body);
        Assert.Equal("text/plain", r.ContentType()!.MediaType);
    }
}
