using OcciAgent.Net.Dhcp;
using Xunit.Abstractions;

namespace OcciAgent.Net.Tests.Dhcp;

/// <summary>Bad input and broken environments end in a message naming the problem.</summary>
[Trait("Category", "Integration")]
public sealed class DhcpErrorTests(ITestOutputHelper output) : DhcpTestBase(output)
{

    private async Task<DnsmasqDhcpServer> StartAsync(DhcpOptions? options = null)
    {
        var server = new DnsmasqDhcpServer(options ?? new DhcpOptions(_runDir.Path, Bus: "private"), _log) { CommandWrapper = _net.Wrap };
        _servers.Add(server);
        await server.StartAsync(CancellationToken.None);
        return server;
    }

    [Fact(Timeout = 30_000)]
    public async Task EnsureAsync_BeforeStartAsyncSaysSo()
    {
        await using var server = new DnsmasqDhcpServer(new DhcpOptions(_runDir.Path), _log);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => server.EnsureAsync(DhcpTestScopes.Scope(), CancellationToken.None));
        Assert.Contains("call StartAsync first", e.Message);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_BadScopeIsRefusedBeforeAnythingRuns()
    {
        var server = await StartAsync();
        var e = await Assert.ThrowsAsync<ArgumentException>(() =>
            server.EnsureAsync(DhcpTestScopes.Scope() with { Bridge = "br0;reboot" }, CancellationToken.None));
        Assert.Contains("bridge 'br0;reboot' must be an interface name", e.Message);
        Assert.DoesNotContain(_runDir.Files, f => f.StartsWith("dnsmasq-", StringComparison.Ordinal));
        await Assert.ThrowsAsync<ArgumentException>(() => server.StopAsync("../x", CancellationToken.None));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_MissingBridgeFailsWithDnsmasqsOwnWords()
    {
        var server = await StartAsync();
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            server.EnsureAsync(DhcpTestScopes.Scope() with { Bridge = "nosuchbr" }, CancellationToken.None));
        Assert.Contains("DHCP for network net-t1: dnsmasq on bridge nosuchbr exited at start", e.Message);
        Assert.Contains("unknown interface nosuchbr", e.Message);
        Assert.Null(server.ServerPid("t1"));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_MissingDnsmasqBinaryIsNamed()
    {
        var server = new DnsmasqDhcpServer(new DhcpOptions(_runDir.Path, Dnsmasq: "/nonexistent/dnsmasq", Bus: "private"), _log);
        _servers.Add(server);
        await server.StartAsync(CancellationToken.None);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => server.EnsureAsync(DhcpTestScopes.Scope(), CancellationToken.None));
        Assert.Contains("cannot run /nonexistent/dnsmasq", e.Message);
        Assert.Contains("dnsmasq-base", e.Message);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_MissingDbusDaemonIsNamed()
    {
        var server = new DnsmasqDhcpServer(new DhcpOptions(_runDir.Path, Bus: "private", DbusDaemon: "/nonexistent/dbus-daemon"), _log);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => server.StartAsync(CancellationToken.None));
        Assert.Contains("cannot run /nonexistent/dbus-daemon", e.Message);
        // Afterwards the server says why instead of pretending it was never started.
        Assert.StartsWith("unavailable: ", server.BusDescription);
        var ensure = await Assert.ThrowsAsync<NetException>(() => server.EnsureAsync(DhcpTestScopes.Scope(), CancellationToken.None));
        Assert.Equal(NetErrorKind.Unavailable, ensure.Kind);
        Assert.Contains("cannot run /nonexistent/dbus-daemon", ensure.Message);
        await server.StopAsync("t1", CancellationToken.None); // needs no bus
    }

    [Fact(Timeout = 30_000)]
    public async Task A_RelativeRunDirectoryIsRefused()
    {
        await using var server = new DnsmasqDhcpServer(new DhcpOptions("var/dhcp"), _log);
        var e = await Assert.ThrowsAsync<ArgumentException>(() => server.StartAsync(CancellationToken.None));
        Assert.Contains("DHCP run directory 'var/dhcp' must be an absolute path", e.Message);
    }
}
