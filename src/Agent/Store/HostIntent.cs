using OcciAgent.Occi.Model;

namespace OcciAgent.Store;

/// <summary>What a request is about to do on the host for one entity, stored before the host
/// effect and removed in the same transaction that stores the result. A kill between the two
/// leaves the intent behind, and the next start finishes or undoes it (README, crash
/// consistency). <see cref="Entity"/> is the entity as the request built it: for a create it is
/// not in the entity collection yet, and undoing needs its attributes (a network's bridge name
/// and VLAN come from them).</summary>
public sealed record HostIntent(IntentOp Op, Entity Entity)
{
    public string EntityId => Entity.Id;
}

public enum IntentOp
{
    /// <summary>Host artefacts are being made for an entity not yet stored; at start, undone.</summary>
    Create,
    /// <summary>The stored entity's host artefacts are being removed; at start, finished.</summary>
    Delete,
}
