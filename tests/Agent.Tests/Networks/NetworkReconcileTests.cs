using System.Net;
using OcciAgent.Net.Links;
using OcciAgent.Tests.Http;

namespace OcciAgent.Tests.Networks;

/// <summary>Reconcile at agent start: missing bridges and taps of stored
/// entities come back, the agent's leftovers go, and links it did not make stay untouched.</summary>
[Trait("Category", "Integration")]
public sealed class NetworkReconcileTests : NetnsTestBase
{
    [Fact]
    public async Task Restart_RecreatesMissing_RemovesLeftovers_LeavesForeignLinksAlone()
    {
        var network = await CreateNetworkAsync("10.60.0.0/24", "10.60.0.1");
        var compute = await CreateAsync("/compute/", ComputeKind);
        var nic = await CreateInterfaceAsync(compute, network);
        var (bridge, tap) = (LinkNames.Bridge(IdOf(network)), LinkNames.Tap(IdOf(nic)));
        Assert.Equal(bridge, HostLink(tap)!.Master);
        await NetworkActAsync(network, "down");

        await Agent.StopAsync();
        Agent.InNetns("ip", "link", "del", tap);
        Agent.InNetns("ip", "link", "del", bridge);
        // A leftover: the agent's name and alias for a network that no longer exists.
        var goneId = "0d6c1f4e-7a0b-4c47-9d0e-5f6a7b8c9d0e";
        var leftover = LinkNames.Bridge(goneId);
        Agent.InNetns("ip", "link", "add", leftover, "type", "bridge");
        Agent.InNetns("ip", "link", "set", leftover, "alias", LinkNames.Alias("network", goneId));
        // Not the agent's: a look-alike name without the alias, and the alias on a foreign name.
        Agent.InNetns("ip", "link", "add", "occib0123456789", "type", "bridge");
        Agent.InNetns("ip", "link", "add", "br-user", "type", "bridge");
        Agent.InNetns("ip", "link", "set", "br-user", "alias", LinkNames.Alias("network", goneId));

        await Agent.StartAgainAsync();
        var b = HostLink(bridge);
        Assert.NotNull(b);
        Assert.False(b.AdminUp); // stored as down: recreated down
        Assert.Equal(["10.60.0.1/24"], HostAddresses(bridge));
        Assert.Equal(bridge, HostLink(tap)?.Master);
        Assert.Null(HostLink(leftover));
        Assert.NotNull(HostLink("occib0123456789"));
        Assert.NotNull(HostLink("br-user"));
        Assert.Equal("inactive", await AttrOfAsync(network, "occi.network.state"));
        Assert.Equal("inactive", await AttrOfAsync(nic, "occi.networkinterface.state"));
    }

    [Fact]
    public async Task Interface_TapOnTheBridge_MacChecked_DeletedWithTheCompute()
    {
        var network = await CreateNetworkAsync("10.61.0.0/24", "10.61.0.1");
        var compute = await CreateAsync("/compute/", ComputeKind);
        var nic = await CreateInterfaceAsync(compute, network, "X-OCCI-Attribute: occi.networkinterface.mac=\"52-54-00-AB-CD-EF\"");
        var body = await GetTextAsync(nic);
        Assert.Equal("\"52:54:00:ab:cd:ef\"", Attr(body, "occi.networkinterface.mac"));
        var tap = LinkNames.Tap(IdOf(nic));
        Assert.Equal($"\"{tap}\"", Attr(body, "occi.networkinterface.interface"));
        Assert.Equal("tun", HostLink(tap)!.Kind);
        // ipnetworkinterface comes with an ipnetwork network (GFD.224 §3.4.1).
        Assert.Contains("ipnetworkinterface", body);

        var multicast = await Agent.SendAsync(HttpMethod.Post, "/networkinterface/", Lines(NetworkInterfaceKind,
            $"X-OCCI-Attribute: occi.core.source=\"{compute}\"", $"X-OCCI-Attribute: occi.core.target=\"{network}\"",
            "X-OCCI-Attribute: occi.networkinterface.mac=\"01:00:5e:00:00:01\""));
        await AssertStatusAsync(multicast, HttpStatusCode.BadRequest, "unicast");
        var twice = await Agent.SendAsync(HttpMethod.Post, "/networkinterface/", Lines(NetworkInterfaceKind,
            $"X-OCCI-Attribute: occi.core.source=\"{compute}\"", $"X-OCCI-Attribute: occi.core.target=\"{network}\"",
            "X-OCCI-Attribute: occi.networkinterface.mac=\"52:54:00:ab:cd:ef\""));
        await AssertStatusAsync(twice, HttpStatusCode.Conflict, "already used");
        var outside = await Agent.SendAsync(HttpMethod.Post, "/networkinterface/", Lines(NetworkInterfaceKind, IpNetworkInterface,
            $"X-OCCI-Attribute: occi.core.source=\"{compute}\"", $"X-OCCI-Attribute: occi.core.target=\"{network}\"",
            "X-OCCI-Attribute: occi.networkinterface.address=\"10.99.0.5\""));
        await AssertStatusAsync(outside, HttpStatusCode.BadRequest, "not a host address");
        var gateway = await Agent.SendAsync(HttpMethod.Post, "/networkinterface/", Lines(NetworkInterfaceKind, IpNetworkInterface,
            $"X-OCCI-Attribute: occi.core.source=\"{compute}\"", $"X-OCCI-Attribute: occi.core.target=\"{network}\"",
            "X-OCCI-Attribute: occi.networkinterface.address=\"10.61.0.1\""));
        await AssertStatusAsync(gateway, HttpStatusCode.Conflict, "gateway");
        Assert.Single(HostLinks(), l => l.Name.StartsWith(LinkNames.TapPrefix, StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, (await Agent.SendAsync(HttpMethod.Delete, compute)).StatusCode);
        Assert.Null(HostLink(tap));
        Assert.NotNull(HostLink(LinkNames.Bridge(IdOf(network))));
    }
}
