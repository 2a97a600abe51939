using System.Net;
using OcciAgent.Net.Addressing;
using OcciAgent.Net.Links;
using OcciAgent.Occi.Catalog;
using OcciAgent.Occi.Model;

namespace OcciAgent.Networks;

/// <summary>What a network entity asks of the host (GFD.224 §3.2 and §3.5.1), checked once:
/// the bridge, its address (the gateway, or the host part of occi.network.address), DHCP when
/// allocation is dynamic, the VLAN on the uplink and NAT. Bad values are 400 here, host limits
/// (no uplink configured) 409, before anything on the host changes.</summary>
public sealed record NetworkPlan(
    string Id, string Key, string Bridge, Ipv4Subnet? Subnet, IPAddress? Gateway, LinkAddress? BridgeAddress,
    bool Dynamic, int? Vlan, bool Nat)
{
    public const string Address = "occi.network.address", GatewayAttr = "occi.network.gateway",
        Allocation = "occi.network.allocation", VlanAttr = "occi.network.vlan";

    public static NetworkPlan Of(Entity network, string? uplink, string natMixinId)
    {
        Ipv4Subnet? subnet = null;
        IPAddress? gateway = null;
        try
        {
            if (network.GetString(Address) is { } cidr) subnet = Ipv4Subnet.Parse(cidr, Address);
            if (network.GetString(GatewayAttr) is { } gw) gateway = Ipv4Subnet.ParseAddress(gw, GatewayAttr);
        }
        catch (ArgumentException e)
        {
            throw AgentException.Invalid($"network {network.Id}: {e.Message}");
        }
        if (gateway is not null && subnet is null)
            throw AgentException.Invalid($"network {network.Id}: {GatewayAttr} needs {Address} (the network it belongs to)");
        if (gateway is not null && !subnet!.IsHost(gateway))
            throw AgentException.Invalid($"network {network.Id}: gateway {gateway} is not a host address of {subnet}");
        var dynamic = network.GetString(Allocation) == "dynamic";
        if (dynamic && subnet is null)
            throw AgentException.Invalid($"network {network.Id}: {Allocation}=dynamic needs {Address} (the range DHCP hands out)");
        // The bridge is the guests' gateway: it takes the gateway address, or the host address
        // written into occi.network.address (10.1.0.1/24). A bare network (10.1.0.0/24) without a
        // gateway stays layer 2 only, unless DHCP needs a server address.
        IPAddress? bridgeIp = gateway ?? (subnet is { GivenIsHost: true } ? subnet.Given : null);
        if (bridgeIp is null && dynamic)
            throw AgentException.Invalid($"network {network.Id}: DHCP needs an address for the bridge: give {GatewayAttr} or a host address in {Address} (e.g. 10.1.0.1/24)");
        if (bridgeIp is not null && subnet is not null && !subnet.IsHost(bridgeIp))
            throw AgentException.Invalid($"network {network.Id}: {bridgeIp} is the network or broadcast address of {subnet}");

        int? vlan = network.Get(VlanAttr)?.AsInteger is { } v ? (int)v : null;
        if (vlan is { } id)
        {
            if (id is < 1 or > 4094)
                throw AgentException.Invalid($"network {network.Id}: {VlanAttr} {id} is not a usable 802.1q VLAN id (1-4094)");
            if (uplink is null)
                throw AgentException.Conflict($"network {network.Id}: {VlanAttr} needs an uplink, and none is configured; set \"uplink\" in the agent's config (the host interface that carries the VLANs)");
        }
        var nat = network.Mixins.Contains(natMixinId);
        if (nat && uplink is null)
            throw AgentException.Conflict($"network {network.Id}: NAT needs an uplink, and none is configured; set \"uplink\" in the agent's config");
        if (nat && subnet is null)
            throw AgentException.Invalid($"network {network.Id}: NAT needs {Address} (the addresses to masquerade)");
        return new NetworkPlan(network.Id, LinkNames.Key(network.Id), LinkNames.Bridge(network.Id), subnet, gateway,
            bridgeIp is null ? null : new LinkAddress(bridgeIp.ToString(), subnet!.PrefixLength), dynamic, vlan, nat);
    }
}
