using System.Net;
using OcciAgent.Net.Links;
using OcciAgent.Tests.Http;

namespace OcciAgent.Tests.Networks;

/// <summary>Networks as Linux bridges: what the agent
/// reports is checked against what <c>ip</c> shows in the agent's namespace.</summary>
[Trait("Category", "Integration")]
public sealed class NetworkBridgeTests : NetnsTestBase
{
    [Fact]
    public async Task Network_IsABridgeWithTheGatewayAddress_UpDownAndDelete()
    {
        var path = await CreateNetworkAsync("10.31.0.0/24", "10.31.0.1");
        var bridge = LinkNames.Bridge(IdOf(path));
        Assert.True(bridge.Length <= 15);
        var link = HostLink(bridge);
        Assert.NotNull(link);
        Assert.Equal("bridge", link.Kind);
        Assert.True(link.AdminUp);
        Assert.Equal(LinkNames.Alias("network", IdOf(path)), link.Alias);
        Assert.Equal(["10.31.0.1/24"], HostAddresses(bridge));
        Assert.Equal("active", await AttrOfAsync(path, "occi.network.state"));

        Assert.Equal(HttpStatusCode.OK, (await NetworkActAsync(path, "down")).StatusCode);
        Assert.False(HostLink(bridge)!.AdminUp);
        Assert.Equal("inactive", await AttrOfAsync(path, "occi.network.state"));
        Assert.Equal(HttpStatusCode.OK, (await NetworkActAsync(path, "up")).StatusCode);
        Assert.True(HostLink(bridge)!.AdminUp);
        Assert.Equal("active", await AttrOfAsync(path, "occi.network.state"));

        // The state is the kernel's, not a stored guess: a bridge set down behind the agent's back shows.
        Agent.InNetns("ip", "link", "set", bridge, "down");
        Assert.Equal("inactive", await AttrOfAsync(path, "occi.network.state"));

        Assert.Equal(HttpStatusCode.OK, (await Agent.SendAsync(HttpMethod.Delete, path)).StatusCode);
        Assert.Null(HostLink(bridge));
    }

    [Fact]
    public async Task MissingBridge_IsError_AndUpRecreatesIt()
    {
        var path = await CreateNetworkAsync("10.32.0.1/24");
        var bridge = LinkNames.Bridge(IdOf(path));
        Assert.Equal(["10.32.0.1/24"], HostAddresses(bridge)); // host part of the CIDR, no gateway given
        Agent.InNetns("ip", "link", "del", bridge);
        var body = await GetTextAsync(path);
        Assert.Equal("\"error\"", Attr(body, "occi.network.state"));
        Assert.Contains(bridge, Attr(body, "occi.network.state.message"));
        Assert.Equal(HttpStatusCode.OK, (await NetworkActAsync(path, "up")).StatusCode);
        Assert.Equal(["10.32.0.1/24"], HostAddresses(bridge));
        Assert.Equal("active", await AttrOfAsync(path, "occi.network.state"));
    }

    [Theory]
    [InlineData("X-OCCI-Attribute: occi.network.address=\"10.33.0.0/24\"", "X-OCCI-Attribute: occi.network.gateway=\"10.34.0.1\"", "not a host address")]
    [InlineData("X-OCCI-Attribute: occi.network.address=\"fd00::/64\"", "X-OCCI-Attribute: occi.network.allocation=\"static\"", "only IPv4")]
    [InlineData("X-OCCI-Attribute: occi.network.address=\"10.35.0.0/24\"", "X-OCCI-Attribute: occi.network.allocation=\"dynamic\"", "needs an address for the bridge")]
    [InlineData("X-OCCI-Attribute: occi.network.gateway=\"10.36.0.1\"", "X-OCCI-Attribute: occi.network.allocation=\"static\"", "needs occi.network.address")]
    [InlineData("X-OCCI-Attribute: occi.network.address=\"10.37.0.0/31\"", "X-OCCI-Attribute: occi.network.allocation=\"static\"", "prefix length")]
    public async Task BadAddressing_Is400_AndLeavesNoBridge(string a, string b, string mention)
    {
        var before = HostLinks().Count;
        var r = await Agent.SendAsync(HttpMethod.Post, "/network/", Lines(NetworkKind, IpNetwork, a, b));
        await AssertStatusAsync(r, HttpStatusCode.BadRequest, mention);
        Assert.Equal(before, HostLinks().Count);
    }

    [Fact]
    public async Task VlanAndNat_WithoutUplink_Are409NamingTheSetting()
    {
        var vlan = await Agent.SendAsync(HttpMethod.Post, "/network/", Lines(NetworkKind, "X-OCCI-Attribute: occi.network.vlan=12"));
        await AssertStatusAsync(vlan, HttpStatusCode.Conflict, "\"uplink\"");
        var nat = await Agent.SendAsync(HttpMethod.Post, "/network/", Lines(NetworkKind, IpNetwork, Nat,
            "X-OCCI-Attribute: occi.network.address=\"10.38.0.1/24\""));
        await AssertStatusAsync(nat, HttpStatusCode.Conflict, "\"uplink\"");
        Assert.DoesNotContain(HostLinks(), l => l.Name.StartsWith(LinkNames.BridgePrefix, StringComparison.Ordinal));
    }
}

/// <summary>With an uplink configured (a veth inside the test's namespace stands in for the
/// host's NIC): NAT through nftables and VLAN links.</summary>
[Trait("Category", "Integration")]
public sealed class NetworkUplinkTests : NetnsTestBase
{
    protected override void BeforeStart(Http.AgentServer server)
    {
        server.Options.Uplink = "up0";
        Http.AgentServer.Run("ip", "-n", server.Netns!, "link", "add", "up0", "type", "veth", "peer", "name", "up1");
        Http.AgentServer.Run("ip", "-n", server.Netns!, "link", "set", "up0", "up");
    }

    [Fact]
    public async Task Nat_MasqueradesTheNetworkThroughTheUplink_UntilDeleted()
    {
        var path = await CreateNetworkAsync("10.40.0.0/24", "10.40.0.1", "static", Nat);
        var table = Agent.InNetns("nft", "list", "table", "ip", "occi-agent");
        Assert.Contains("ip saddr 10.40.0.0/24 oifname \"up0\" masquerade", table);
        Assert.Equal("1", Agent.InNetns("cat", "/proc/sys/net/ipv4/ip_forward").Trim());
        // A second network without the mixin adds nothing.
        var plain = await CreateNetworkAsync("10.41.0.0/24", "10.41.0.1");
        Assert.DoesNotContain("10.41.0.0/24", Agent.InNetns("nft", "list", "table", "ip", "occi-agent"));
        Assert.Equal(HttpStatusCode.OK, (await Agent.SendAsync(HttpMethod.Delete, path)).StatusCode);
        Assert.DoesNotContain("occi-agent", Agent.InNetns("nft", "list", "tables"));
        Assert.Equal(HttpStatusCode.OK, (await Agent.SendAsync(HttpMethod.Delete, plain)).StatusCode);
    }

    [Fact]
    public async Task Vlan_IsAnUplinkSubInterfaceOnTheBridge_OrAClear409WithoutKernelSupport()
    {
        var r = await Agent.SendAsync(HttpMethod.Post, "/network/", Lines(NetworkKind, "X-OCCI-Attribute: occi.network.vlan=42"));
        var body = await r.BodyAsync();
        if (r.StatusCode == HttpStatusCode.Conflict)
        {
            // Kernels without 802.1q (like this CI machine's) cannot make VLAN links at all.
            Assert.Contains("8021q", body);
            Assert.DoesNotContain(HostLinks(), l => l.Name.StartsWith("occi", StringComparison.Ordinal));
            return;
        }
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        var id = IdOf(r.LocationPath());
        var vlan = HostLink(LinkNames.Vlan(id));
        Assert.NotNull(vlan);
        Assert.Equal("vlan", vlan.Kind);
        Assert.Equal(LinkNames.Bridge(id), vlan.Master);
    }
}

/// <summary>A host where DHCP cannot run (here: a bus that does not exist): the agent still
/// serves, static networks work, dynamic ones answer 503 with the reason.</summary>
[Trait("Category", "Integration")]
public sealed class DhcpUnavailableTests : NetnsTestBase
{
    protected override void BeforeStart(AgentServer server) => server.Options.DhcpBus = "unix:path=/nonexistent/occi-test-bus";

    [Fact]
    public async Task DynamicNetwork_Is503NamingTheCause_StaticStillWorks()
    {
        var r = await Agent.SendAsync(HttpMethod.Post, "/network/", Lines(NetworkKind, IpNetwork,
            "X-OCCI-Attribute: occi.network.address=\"10.39.0.1/24\"", "X-OCCI-Attribute: occi.network.allocation=\"dynamic\""));
        await AssertStatusAsync(r, HttpStatusCode.ServiceUnavailable, "DHCP");
        Assert.Contains("dhcp: unavailable: ", await GetTextAsync("/host"));
        Assert.DoesNotContain(HostLinks(), l => l.Name.StartsWith(LinkNames.BridgePrefix, StringComparison.Ordinal));
        var path = await CreateNetworkAsync("10.39.0.0/24", "10.39.0.1");
        Assert.Equal("active", await AttrOfAsync(path, "occi.network.state"));
    }
}

/// <summary>A dynamic network whose bridge vanished: <c>up</c> recreates it with a fresh dnsmasq
/// (the old one's sockets were bound to the removed bridge).</summary>
[Trait("Category", "Integration")]
public sealed class DynamicBridgeRecreateTests : NetnsTestBase
{
    [Fact]
    public async Task Up_RecreatesTheBridge_AndRestartsItsDnsmasq()
    {
        var path = await CreateNetworkAsync("10.42.0.0/24", "10.42.0.1", "dynamic");
        var bridge = LinkNames.Bridge(IdOf(path));
        int Dnsmasq() => Assert.Single(Agent.HelperPids(), p => File.ReadAllText($"/proc/{p}/cmdline").Contains($"--interface={bridge}", StringComparison.Ordinal));
        var before = Dnsmasq();
        Agent.InNetns("ip", "link", "del", bridge);
        Assert.Equal(HttpStatusCode.OK, (await NetworkActAsync(path, "up")).StatusCode);
        Assert.Equal(["10.42.0.1/24"], HostAddresses(bridge));
        var after = Dnsmasq();
        Assert.NotEqual(before, after);
        Assert.False(Directory.Exists($"/proc/{before}"), "the old dnsmasq still runs");
    }
}
