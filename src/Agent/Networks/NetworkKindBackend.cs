using OcciAgent.Net;
using OcciAgent.Net.Links;
using OcciAgent.Occi.Catalog;
using OcciAgent.Occi.Model;
using OcciAgent.Services;

namespace OcciAgent.Networks;

/// <summary>A network is a Linux bridge (GFD.224 §3.2): created up with the
/// entity, <c>up</c>/<c>down</c> set its link state, <c>occi.network.state</c> reports what the
/// kernel says. ipnetwork gives it an address and, with allocation=dynamic, a DHCP server; a
/// VLAN id puts an 802.1q link of the configured uplink on it; the nat mixin masquerades it.</summary>
public sealed class NetworkKindBackend(INetworkHost net) : IKindBackend
{
    private const string State = "occi.network.state", Message = "occi.network.state.message";

    public Kind Kind => InfrastructureKinds.Network;

    public async Task<Entity> CreateAsync(Entity e, IReadOnlyList<Mixin> mixins, CancellationToken ct)
    {
        var plan = net.Plan(e);
        try
        {
            await net.ApplyAsync(plan, up: true, ct);
            await net.ApplyNatAsync(e, null, ct);
        }
        catch
        {
            await UndoAsync(plan, e.Id);
            throw;
        }
        return e.With(State, OcciValue.Str("active")).With(Message, null);
    }

    public Task UndoCreateAsync(Entity e) => UndoAsync(net.Plan(e), e.Id);

    private async Task UndoAsync(NetworkPlan plan, string id)
    {
        try
        {
            await net.ApplyNatAsync(null, id, CancellationToken.None);
        }
        finally
        {
            await net.RemoveAsync(plan, CancellationToken.None);
        }
    }

    public async Task<Entity> UpdateAsync(Entity current, Entity updated, CancellationToken ct)
    {
        var plan = net.Plan(updated);
        var up = current.GetString(State) != "inactive";
        await net.ApplyAsync(plan, up, ct);
        await net.ApplyNatAsync(updated, null, ct);
        return updated.With(State, OcciValue.Str(up ? "active" : "inactive"));
    }

    public async Task DeleteAsync(Entity e, CancellationToken ct)
    {
        await net.ApplyNatAsync(null, e.Id, ct);
        await net.RemoveAsync(net.Plan(e), ct);
    }

    public async Task<ActionOutcome> ActAsync(Entity e, OcciAction action, IReadOnlyDictionary<string, OcciValue> p, CancellationToken ct)
    {
        var up = action.Term switch
        {
            "up" => true,
            "down" => false,
            _ => throw new AgentException(AgentError.NotImplemented, $"network action {action.Term} is not implemented"),
        };
        var plan = net.Plan(e);
        if (await net.LinkStateAsync(plan.Bridge, ct) is null)
            await net.ApplyAsync(plan, up, ct); // recreate a bridge someone removed
        else
            await net.SetUpAsync(plan.Bridge, up, ct);
        return (await ObserveAsync(e, ct)).With(Message, null);
    }

    public async Task<Entity> ObserveAsync(Entity e, CancellationToken ct)
    {
        var bridge = LinkNames.Bridge(e.Id);
        var adminUp = await net.LinkStateAsync(bridge, ct);
        if (adminUp is null)
            return e.With(State, OcciValue.Str("error"))
                .With(Message, OcciValue.Str($"bridge {bridge} is missing on the host; 'up' or an agent restart recreates it"));
        return e.With(State, OcciValue.Str(adminUp.Value ? "active" : "inactive"));
    }

    /// <summary>At start: recreate what stored networks need, remove bridges,
    /// VLAN links and DHCP servers of deleted networks, rebuild NAT.</summary>
    public async Task<IReadOnlyList<Entity>> ReconcileAsync(IReadOnlyList<Entity> stored, CancellationToken ct)
    {
        await net.RemoveLeftoversAsync(NetworkHost.NetworkKind, stored.Select(e => e.Id).ToHashSet(), ct);
        var dynamicKeys = new HashSet<string>();
        var changed = new List<Entity>();
        foreach (var e in stored)
        {
            Entity after;
            try
            {
                var plan = net.Plan(e);
                if (plan.Dynamic) dynamicKeys.Add(plan.Key);
                await net.ApplyAsync(plan, e.GetString(State) != "inactive", ct);
                after = (await ObserveAsync(e, ct)).With(Message, null);
            }
            catch (Exception ex) when (ex is AgentException or NetException)
            {
                after = e.With(State, OcciValue.Str("error")).With(Message, OcciValue.Str($"could not be restored on the host at agent start: {ex.Message}"));
            }
            if (!after.Attributes.SequenceEqual(e.Attributes)) changed.Add(after);
        }
        await net.RemoveDhcpLeftoversAsync(dynamicKeys, ct);
        await net.RestoreNatAsync(ct);
        return changed;
    }
}
