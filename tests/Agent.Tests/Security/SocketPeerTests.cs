using System.Net;
using OcciAgent.Security;
using OcciAgent.Tests.Http;

namespace OcciAgent.Tests.Security;

/// <summary>A unix socket peer is known by SO_PEERCRED: root and members of the socket group are
/// admin without a token; anyone else needs one. curl runs as other users through setpriv with a
/// throw-away group made here (groupadd) and numeric uids that own nothing.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
[Trait("Category", "Integration")]
public sealed class SocketPeerTests : AgentTestBase, IDisposable
{
    private readonly string _group = "occit" + Guid.NewGuid().ToString("N")[..8];
    private uint _gid;
    private const string Member = "64741";
    private const string Stranger = "64742";

    protected override Task<AgentServer> StartAgentAsync()
    {
        AgentServer.Run("groupadd", _group);
        _gid = PeerCredentials.GroupId(_group) ?? throw new InvalidOperationException($"groupadd {_group} made no group");
        return AgentServer.StartAsync(beforeStart: s =>
        {
            s.Options.Listen = ["http://unix:" + Path.Combine(s.StateDir, "api.sock")];
            s.Options.SocketGroup = _group;
        });
    }

    public void Dispose()
    {
        try { AgentServer.Run("groupdel", _group); } catch (InvalidOperationException) { }
    }

    private string SocketPath => Path.Combine(Agent.StateDir, "api.sock");

    /// <summary>curl over the socket as uid/gid with the given supplementary groups; returns the status.</summary>
    private string CurlAs(string uid, string gid, string groups, params string[] curlArgs)
    {
        // The socket's own mode is the transport's business; open it here so only SO_PEERCRED decides.
        File.SetUnixFileMode(SocketPath, (UnixFileMode)0x1FF);
        File.SetUnixFileMode(Agent.StateDir, (UnixFileMode)0x1ED);
        string[] priv = groups.Length == 0 ? ["--clear-groups"] : ["--groups", groups];
        return AgentServer.Run("setpriv", ["--reuid", uid, "--regid", gid, .. priv, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
            "--unix-socket", SocketPath, .. curlArgs]);
    }

    [Fact]
    public async Task Root_IsAdminWithoutAToken()
    {
        using var c = AgentServer.UnixSocketClient(SocketPath, "http://localhost", TimeSpan.FromSeconds(30));
        Assert.Null(c.DefaultRequestHeaders.Authorization);
        Assert.Equal(HttpStatusCode.OK, (await c.GetAsync("/-/")).StatusCode);
        var mixin = await c.PostAsync("/-/", new StringContent(Lines("Category: prod; scheme=\"http://example.org/tags#\"; class=\"mixin\"; location=\"/tags/prod/\""), null, "text/plain"));
        Assert.True(mixin.StatusCode == HttpStatusCode.OK, $"{(int)mixin.StatusCode}: {await mixin.BodyAsync()}");
        // Host is whatever the client made up: no DNS name leads to a unix socket.
        var odd = new HttpRequestMessage(HttpMethod.Get, "/-/") { Headers = { Host = "anything.example" } };
        Assert.Equal(HttpStatusCode.OK, (await c.SendAsync(odd)).StatusCode);
        // Origin still counts.
        var page = new HttpRequestMessage(HttpMethod.Get, "/-/") { Headers = { { "Origin", "http://evil.example" } } };
        Assert.Equal(HttpStatusCode.Forbidden, (await c.SendAsync(page)).StatusCode);
    }

    [Fact]
    public void A_MemberOfTheGroupIsAdminAndAnotherUserIsRefused()
    {
        var g = _gid.ToString();
        Assert.Equal("200", CurlAs(Member, Member, g, "http://localhost/-/"));
        Assert.Equal("200", CurlAs(Member, g, "", "http://localhost/-/")); // primary group
        Assert.Equal("200", CurlAs(Member, Member, g, "-X", "POST", "-H", "Content-Type: text/plain", "--data-binary",
            "Category: tag1; scheme=\"http://example.org/tags#\"; class=\"mixin\"; location=\"/tags/tag1/\"", "http://localhost/-/"));
        Assert.Equal("401", CurlAs(Stranger, Stranger, "", "http://localhost/-/"));
        // With a token the stranger is whatever the token says.
        var reader = TokenCommand.Create(new TokenFile(Agent.StateDir), "socket-reader", Role.Reader);
        Assert.Equal("200", CurlAs(Stranger, Stranger, "", "-H", "Authorization: Bearer " + reader, "http://localhost/-/"));
        Assert.Equal("403", CurlAs(Stranger, Stranger, "", "-H", "Authorization: Bearer " + reader, "-X", "DELETE", "http://localhost/storage/"));
    }
}
