using System.Net;
using Microsoft.Extensions.Logging;
using OcciAgent.Config;
using OcciAgent.Hypervisor.Qemu;
using OcciAgent.Net;
using OcciAgent.Net.Dhcp;
using OcciAgent.Net.Links;
using OcciAgent.Net.Nat;
using OcciAgent.Occi.Catalog;
using OcciAgent.Occi.Model;
using OcciAgent.Services;
using OcciAgent.Store;

namespace OcciAgent.Networks;

/// <summary>The host side of networks and network interfaces: bridges, taps, VLAN
/// links, DHCP and NAT, driven from what the store says. Every method converges the host to the
/// entity (idempotent), so creation, updates and start-up reconcile share one path.</summary>
public sealed class NetworkHost(IpLink links, NftNat nat, IDhcpServer dhcp, AgentOptions options, IEntityStore store,
    OcciCatalog catalog, ILogger<NetworkHost> log) : INetworkHost
{
    public const string NetworkKind = "network", InterfaceKind = "networkinterface";
    public const string IfAddress = "occi.networkinterface.address", IfAllocation = "occi.networkinterface.allocation";

    public IDhcpServer Dhcp => dhcp;
    public IpLink Links => links;
    public string NatMixinId => catalog.SchemeBase + "network#nat";

    /// <summary>Starts the DHCP server's bus. A host where that fails still serves: static
    /// networks work, dynamic ones answer 503 with the reason (the server keeps it).</summary>
    public async Task StartDhcpAsync(CancellationToken ct)
    {
        try
        {
            await dhcp.StartAsync(ct);
            Log.DhcpBus(log, dhcp.BusDescription);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.DhcpUnavailable(log, e.Message);
        }
    }

    public NetworkPlan Plan(Entity network) => NetworkPlan.Of(network, options.Uplink, NatMixinId);

    public static string NetworkLocation(string id) => EntityService.LocationOf(InfrastructureKinds.Network, id);

    /// <summary>Brings bridge, address, VLAN link, admin state and DHCP to the plan.</summary>
    public async Task ApplyAsync(NetworkPlan p, bool up, CancellationToken ct)
    {
        var recreated = await links.EnsureBridgeAsync(p.Bridge, LinkNames.Alias(NetworkKind, p.Id), ct);
        // A dnsmasq bound to a bridge that vanished keeps serving dead sockets: start it afresh.
        if (recreated && p.Dynamic) await dhcp.StopAsync(p.Key, ct);
        await links.SetAddressAsync(p.Bridge, p.BridgeAddress, ct);
        var vlanLink = LinkNames.Vlan(p.Id);
        if (p.Vlan is { } vlan)
            await links.EnsureVlanAsync(vlanLink, LinkNames.Alias("vlan", p.Id), options.Uplink!, vlan, p.Bridge, ct);
        else
            await links.DeleteAsync(vlanLink, ct);
        await links.SetUpAsync(p.Bridge, up, ct);
        await ApplyDhcpAsync(p, null, ct);
    }

    /// <summary>Starts, updates or stops the network's DHCP server, with a reservation per
    /// static interface address. <paramref name="without"/> is a link being deleted.</summary>
    public async Task ApplyDhcpAsync(NetworkPlan p, string? without, CancellationToken ct, Entity? extra = null)
    {
        if (!p.Dynamic)
        {
            await dhcp.StopAsync(p.Key, ct);
            return;
        }
        var reservations = store.LinksTo(NetworkLocation(p.Id))
            .Where(l => l.Id != extra?.Id).Concat(extra is null ? [] : [extra])
            .Where(l => l.Id != without && l.GetString(IfAllocation) == "static" && l.GetString(IfAddress) is not null)
            .Select(l => new DhcpReservation(Mac(l), Ipv4(l.GetString(IfAddress)!)))
            .DistinctBy(r => r.Mac)
            .ToList();
        // The plan gives a dynamic network's bridge an address (the gateway, or the CIDR's host part): the router.
        var router = IPAddress.Parse(p.BridgeAddress!.Address);
        var (start, end) = p.Subnet!.Pool(router);
        await dhcp.EnsureAsync(new DhcpScope(p.Id, p.Key, p.Bridge, p.Subnet.Network, p.Subnet.PrefixLength, start, end,
            router, reservations), ct);
    }

    /// <summary>Rebuilds the NAT table from every stored network with the nat mixin, plus or minus
    /// the one being changed (not stored yet, or being deleted).</summary>
    public async Task ApplyNatAsync(Entity? changed, string? removedId, CancellationToken ct)
    {
        var networks = store.ByKind(InfrastructureKinds.Network.Id).Where(n => n.Id != changed?.Id && n.Id != removedId).ToList();
        if (changed is not null) networks.Add(changed);
        var wanted = new List<(Net.Addressing.Ipv4Subnet, string, string)>();
        foreach (var n in networks.Where(n => n.Mixins.Contains(NatMixinId)))
        {
            var p = Plan(n);
            wanted.Add((p.Subnet!, p.Bridge, options.Uplink!));
        }
        await nat.ApplyAsync(wanted, ct);
    }

    /// <summary>At start: the NAT table from the stored networks (what an earlier run left is
    /// replaced). A failure is logged; the networks themselves still come up.</summary>
    public async Task RestoreNatAsync(CancellationToken ct)
    {
        try
        {
            await ApplyNatAsync(null, null, ct);
        }
        catch (Exception ex) when (ex is AgentException or NetException)
        {
            Log.NetworkNatFailed(log, ex.Message);
        }
    }

    public async Task RemoveAsync(NetworkPlan p, CancellationToken ct)
    {
        await dhcp.StopAsync(p.Key, ct);
        await links.DeleteAsync(LinkNames.Vlan(p.Id), ct);
        await links.DeleteAsync(p.Bridge, ct);
    }

    /// <summary>The network a link points to (its target), from the store.</summary>
    public Entity NetworkOf(Entity link) =>
        store.Get(Entity.IdIn(link.Target!)) ?? throw AgentException.Conflict($"networkinterface {link.Id}: its network {link.Target} does not exist");

    public static string Mac(Entity link) => link.GetString("occi.networkinterface.mac")!.Replace('-', ':').ToLowerInvariant();

    public static VmNic NicFor(Entity link) => new("n" + LinkNames.Key(link.Id), LinkNames.Tap(link.Id), Mac(link));

    public async Task EnsureTapAsync(Entity link, CancellationToken ct) =>
        await links.EnsureTapAsync(LinkNames.Tap(link.Id), LinkNames.Alias(InterfaceKind, link.Id), Plan(NetworkOf(link)).Bridge, ct);

    public Task RemoveTapAsync(Entity link, CancellationToken ct) => links.DeleteAsync(LinkNames.Tap(link.Id), ct);

    public async Task<bool?> LinkStateAsync(string name, CancellationToken ct) => (await links.FindAsync(name, ct))?.AdminUp;

    public Task SetUpAsync(string name, bool up, CancellationToken ct) => links.SetUpAsync(name, up, ct);

    public Task RemoveDhcpLeftoversAsync(IReadOnlySet<string> keep, CancellationToken ct) => dhcp.RemoveLeftoversAsync(keep, ct);

    /// <summary>The MAC that currently holds a DHCP lease of <paramref name="ip"/> on the network,
    /// other than <paramref name="mac"/>; null when none does.</summary>
    public string? LeaseHolder(Entity network, IPAddress ip, string mac) =>
        dhcp.Leases(LinkNames.Key(network.Id)).FirstOrDefault(l => l.Address.Equals(ip) && l.Mac != mac)?.Mac;

    /// <summary>The address the guest leased on this interface, if any.</summary>
    public IPAddress? LeasedAddress(Entity network, string mac) =>
        dhcp.Leases(LinkNames.Key(network.Id)).Where(l => l.Mac == mac).Select(l => l.Address).LastOrDefault();

    /// <summary>Deletes links and DHCP instances the agent made for entities that no longer exist
    /// (only links carrying the agent's alias and name are considered).</summary>
    public async Task RemoveLeftoversAsync(string kind, IReadOnlySet<string> keepIds, CancellationToken ct)
    {
        foreach (var l in await links.ListAsync(ct))
        {
            if (LinkNames.Owner(l) is not { } o || keepIds.Contains(o.EntityId)) continue;
            if (o.Kind != kind && !(kind == NetworkKind && o.Kind == "vlan")) continue;
            Log.NetworkLeftover(log, l.Name, o.Kind, o.EntityId);
            await links.DeleteAsync(l.Name, ct);
        }
    }

    private static IPAddress Ipv4(string text) => Net.Addressing.Ipv4Subnet.ParseAddress(text, IfAddress);
}
