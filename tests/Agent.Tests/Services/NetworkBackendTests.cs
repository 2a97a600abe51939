using OcciAgent.Net.Links;
using OcciAgent.Tests.Kit;

namespace OcciAgent.Tests.Services;

/// <summary>Networks and network interfaces through the entity service and the real backends,
/// over a fake network host (GFD.224 §3.2, §3.4.1): what each request asks of the host, and that
/// a host failure leaves neither a stored entity nor a bridge or tap behind.</summary>
[Trait("Category", "Unit")]
public sealed class NetworkBackendTests : IDisposable
{
    private readonly ServiceKit _kit = new();
    public void Dispose() => _kit.Dispose();

    private const string NetworkLink = $"rel=\"{ServiceKit.Infra}network\"";

    [Fact]
    public async Task Create_MakesAnUpBridgeAndStoresActive()
    {
        var n = await _kit.CreateAsync("network");

        Assert.True(_kit.Networks.Links[LinkNames.Bridge(n.Id)]);
        Assert.Equal("active", _kit.Stored(n).GetString("occi.network.state"));
    }

    [Fact]
    public async Task A_FailingBridgeStoresNothingAndLeavesNoBridge()
    {
        _kit.Networks.FailNextApply = new Net.NetException(Net.NetErrorKind.Failed, "ip: RTNETLINK answers: Operation not permitted");

        await Assert.ThrowsAsync<Net.NetException>(() => _kit.CreateAsync("network"));

        Assert.Empty(_kit.Store.All());
        Assert.Empty(_kit.Networks.Links);
    }

    [Fact]
    public async Task Down_AndUpSetTheBridgeStateAndTheEntityFollows()
    {
        var n = await _kit.CreateAsync("network");

        Assert.Equal("inactive", (await _kit.ActAsync(n, "down")).GetString("occi.network.state"));
        Assert.False(_kit.Networks.Links[LinkNames.Bridge(n.Id)]);
        Assert.Equal("active", (await _kit.ActAsync(n, "up")).GetString("occi.network.state"));
        Assert.True(_kit.Networks.Links[LinkNames.Bridge(n.Id)]);
    }

    [Fact]
    public async Task A_BridgeRemovedBehindTheAgentShowsAsError()
    {
        var n = await _kit.CreateAsync("network");
        _kit.Networks.Links.Remove(LinkNames.Bridge(n.Id));

        var view = await _kit.Service.ViewAsync(_kit.Stored(n), CancellationToken.None);

        Assert.Equal("error", view.Entity.GetString("occi.network.state"));
        Assert.Contains("is missing on the host", view.Entity.GetString("occi.network.state.message"));
    }

    [Fact]
    public async Task The_NatMixinPutsTheNetworkInNatAndDeleteTakesItOut()
    {
        var n = await _kit.CreateAsync("network",
            $"Category: ipnetwork; scheme=\"{ServiceKit.Infra.TrimEnd('#')}/network#\"; class=\"mixin\"",
            $"Category: nat; scheme=\"{_kit.Catalog.SchemeBase}network#\"; class=\"mixin\"",
            "X-OCCI-Attribute: occi.network.address=\"10.9.8.0/24\"");
        Assert.Contains(n.Id, _kit.Networks.Nat);

        await _kit.Service.DeleteAsync(_kit.PathOf(n), CancellationToken.None);

        Assert.Empty(_kit.Networks.Nat);
        Assert.Empty(_kit.Networks.Links);
        Assert.Null(_kit.Store.Get(n.Id));
    }

    [Fact]
    public async Task An_InterfaceOfAnInactiveComputeIsATapAndNoHotplug()
    {
        var n = await _kit.CreateAsync("network");
        var c = await _kit.CreateAsync("compute", $"Link: <{_kit.PathOf(n)}>; {NetworkLink}");

        var link = Assert.Single(_kit.Store.LinksFrom(_kit.PathOf(c)));
        Assert.True(_kit.Networks.Links.ContainsKey(LinkNames.Tap(link.Id)));
        Assert.Equal("inactive", link.GetString("occi.networkinterface.state"));
        Assert.Empty(_kit.Computes.Vm(c.Id).Nics);
    }

    [Fact]
    public async Task An_InterfaceAddedToARunningComputeIsHotpluggedAndUnpluggedOnDelete()
    {
        var n = await _kit.CreateAsync("network");
        var c = await _kit.CreateAsync("compute");
        await _kit.ActAsync(c, "start");

        var link = await _kit.CreateAsync("networkinterface",
            $"X-OCCI-Attribute: occi.core.source=\"{_kit.PathOf(c)}\"", $"X-OCCI-Attribute: occi.core.target=\"{_kit.PathOf(n)}\"");
        var vm = _kit.Computes.Vm(c.Id);
        Assert.Equal(LinkNames.Tap(link.Id), Assert.Single(vm.Nics).Tap);
        Assert.Equal("active", _kit.Stored(link).GetString("occi.networkinterface.state"));

        await _kit.Service.DeleteAsync(_kit.PathOf(link), CancellationToken.None);
        Assert.Empty(vm.Nics);
        Assert.False(_kit.Networks.Links.ContainsKey(LinkNames.Tap(link.Id)));
    }

    [Fact]
    public async Task A_FailingHotplugRemovesTheTapAndStoresNoInterface()
    {
        var n = await _kit.CreateAsync("network");
        var c = await _kit.CreateAsync("compute");
        await _kit.ActAsync(c, "start");
        _kit.Computes.Vm(c.Id).FailNext = new Hypervisor.Vm.VmException(Hypervisor.Vm.VmErrorKind.Failed, "netdev_add failed");

        await Assert.ThrowsAsync<Hypervisor.Vm.VmException>(() => _kit.CreateAsync("networkinterface",
            $"X-OCCI-Attribute: occi.core.source=\"{_kit.PathOf(c)}\"", $"X-OCCI-Attribute: occi.core.target=\"{_kit.PathOf(n)}\""));

        Assert.Empty(_kit.Store.LinksFrom(_kit.PathOf(c)));
        Assert.Equal([LinkNames.Bridge(n.Id)], _kit.Networks.Links.Keys);
    }
}
