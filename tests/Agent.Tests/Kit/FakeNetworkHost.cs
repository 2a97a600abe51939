using System.Net;
using OcciAgent.Net.Links;
using OcciAgent.Networks;
using OcciAgent.Occi.Model;
using OcciAgent.Store;

namespace OcciAgent.Tests.Kit;

/// <summary>An <see cref="INetworkHost"/> that keeps bridges, taps, DHCP scopes and NAT in memory:
/// no iproute2, no dnsmasq, no nftables. The real side (NetworkHost) is tested in network
/// namespaces by the tests in Networks/. Plans and link names are the real ones.</summary>
public sealed class FakeNetworkHost(IEntityStore store, string natMixinId) : INetworkHost
{
    /// <summary>Bridges and taps by name, with their admin state.</summary>
    public Dictionary<string, bool> Links { get; } = new(StringComparer.Ordinal);
    /// <summary>Networks with a DHCP server (plan key) and the static link ids reserved on it.</summary>
    public Dictionary<string, List<string>> Dhcp { get; } = new(StringComparer.Ordinal);
    /// <summary>Ids of the networks NAT masquerades.</summary>
    public HashSet<string> Nat { get; } = new(StringComparer.Ordinal);
    /// <summary>The next ApplyAsync (bridge set-up) throws this.</summary>
    public Exception? FailNextApply { get; set; }

    public NetworkPlan Plan(Entity network) => NetworkPlan.Of(network, "uplink0", natMixinId);

    public Entity NetworkOf(Entity link) =>
        store.Get(Entity.IdIn(link.Target!)) ?? throw AgentException.Conflict($"networkinterface {link.Id}: its network {link.Target} does not exist");

    public Task ApplyAsync(NetworkPlan plan, bool up, CancellationToken ct)
    {
        if (FailNextApply is { } e)
        {
            FailNextApply = null;
            throw e;
        }
        Links[plan.Bridge] = up;
        return ApplyDhcpAsync(plan, null, ct);
    }

    public Task ApplyDhcpAsync(NetworkPlan plan, string? without, CancellationToken ct, Entity? extra = null)
    {
        if (!plan.Dynamic)
        {
            Dhcp.Remove(plan.Key);
            return Task.CompletedTask;
        }
        Dhcp[plan.Key] = store.LinksTo(NetworkHost.NetworkLocation(plan.Id))
            .Where(l => l.Id != extra?.Id).Concat(extra is null ? [] : [extra])
            .Where(l => l.Id != without && l.GetString(NetworkHost.IfAllocation) == "static")
            .Select(l => l.Id).ToList();
        return Task.CompletedTask;
    }

    public Task ApplyNatAsync(Entity? changed, string? removedId, CancellationToken ct)
    {
        Nat.Clear();
        var networks = store.ByKind(Occi.Catalog.InfrastructureKinds.Network.Id).Where(n => n.Id != changed?.Id && n.Id != removedId).ToList();
        if (changed is not null) networks.Add(changed);
        foreach (var n in networks.Where(n => n.Mixins.Contains(natMixinId))) Nat.Add(n.Id);
        return Task.CompletedTask;
    }

    public Task RestoreNatAsync(CancellationToken ct) => ApplyNatAsync(null, null, ct);

    public Task RemoveAsync(NetworkPlan plan, CancellationToken ct)
    {
        Dhcp.Remove(plan.Key);
        Links.Remove(LinkNames.Vlan(plan.Id));
        Links.Remove(plan.Bridge);
        return Task.CompletedTask;
    }

    public Task EnsureTapAsync(Entity link, CancellationToken ct)
    {
        var bridge = Plan(NetworkOf(link)).Bridge;
        if (!Links.ContainsKey(bridge)) throw AgentException.Conflict($"bridge {bridge} does not exist");
        Links[LinkNames.Tap(link.Id)] = true;
        return Task.CompletedTask;
    }

    public Task RemoveTapAsync(Entity link, CancellationToken ct)
    {
        Links.Remove(LinkNames.Tap(link.Id));
        return Task.CompletedTask;
    }

    public Task<bool?> LinkStateAsync(string name, CancellationToken ct) =>
        Task.FromResult(Links.TryGetValue(name, out var up) ? up : (bool?)null);

    public Task SetUpAsync(string name, bool up, CancellationToken ct)
    {
        if (!Links.ContainsKey(name)) throw AgentException.Conflict($"link {name} does not exist");
        Links[name] = up;
        return Task.CompletedTask;
    }

    public string? LeaseHolder(Entity network, IPAddress ip, string mac) => null;

    public IPAddress? LeasedAddress(Entity network, string mac) => null;

    public Task RemoveLeftoversAsync(string kind, IReadOnlySet<string> keepIds, CancellationToken ct) => Task.CompletedTask;

    public Task RemoveDhcpLeftoversAsync(IReadOnlySet<string> keep, CancellationToken ct)
    {
        foreach (var key in Dhcp.Keys.Where(k => !keep.Contains(k)).ToList()) Dhcp.Remove(key);
        return Task.CompletedTask;
    }
}
