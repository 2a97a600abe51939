using System.Net;
using OcciAgent.Occi.Model;

namespace OcciAgent.Networks;

/// <summary>What the network backends need of this host's networking (the port between the OCCI
/// side and iproute2, nftables and dnsmasq): <see cref="NetworkHost"/> is the real side, tested
/// in network namespaces; the unit tests put a fake here. Every change converges the host to the
/// entity, so calling it twice does no harm.</summary>
public interface INetworkHost
{
    /// <summary>Bridge, address, VLAN, DHCP and NAT wanted for a network entity.</summary>
    NetworkPlan Plan(Entity network);

    /// <summary>The network a networkinterface link points to (409 when it does not exist).</summary>
    Entity NetworkOf(Entity link);

    /// <summary>Brings bridge, address, VLAN link, admin state and DHCP to the plan.</summary>
    Task ApplyAsync(NetworkPlan plan, bool up, CancellationToken ct);

    /// <summary>Starts, updates or stops the network's DHCP server; <paramref name="without"/> is
    /// a link being deleted, <paramref name="extra"/> one not stored yet.</summary>
    Task ApplyDhcpAsync(NetworkPlan plan, string? without, CancellationToken ct, Entity? extra = null);

    /// <summary>Rebuilds NAT from the stored networks plus <paramref name="changed"/>, minus
    /// <paramref name="removedId"/>.</summary>
    Task ApplyNatAsync(Entity? changed, string? removedId, CancellationToken ct);

    /// <summary>At start: NAT from the stored networks; a failure is logged, not thrown.</summary>
    Task RestoreNatAsync(CancellationToken ct);

    /// <summary>Removes the network's DHCP server, VLAN link and bridge.</summary>
    Task RemoveAsync(NetworkPlan plan, CancellationToken ct);

    /// <summary>Makes the link's tap on its network's bridge.</summary>
    Task EnsureTapAsync(Entity link, CancellationToken ct);

    Task RemoveTapAsync(Entity link, CancellationToken ct);

    /// <summary>Whether the named link is administratively up; null when it does not exist.</summary>
    Task<bool?> LinkStateAsync(string name, CancellationToken ct);

    Task SetUpAsync(string name, bool up, CancellationToken ct);

    /// <summary>The MAC other than <paramref name="mac"/> leasing <paramref name="ip"/> now; null when none.</summary>
    string? LeaseHolder(Entity network, IPAddress ip, string mac);

    /// <summary>The address the guest with <paramref name="mac"/> leased, if any.</summary>
    IPAddress? LeasedAddress(Entity network, string mac);

    /// <summary>Deletes links the agent made for entities of <paramref name="kind"/> not in <paramref name="keepIds"/>.</summary>
    Task RemoveLeftoversAsync(string kind, IReadOnlySet<string> keepIds, CancellationToken ct);

    /// <summary>Stops DHCP servers whose key is not in <paramref name="keep"/>.</summary>
    Task RemoveDhcpLeftoversAsync(IReadOnlySet<string> keep, CancellationToken ct);
}
