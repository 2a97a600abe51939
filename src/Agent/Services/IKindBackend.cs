using OcciAgent.Occi.Model;

namespace OcciAgent.Services;

/// <summary>The host side of one kind: what creating, changing, deleting and acting on its
/// entities does on this machine. <see cref="EntityService"/> keeps the OCCI semantics
/// (validation, templates, links, state rules) and calls the backend of the entity's kind; the
/// backend calls the drivers of src/Hypervisor and src/Net. Backends throw
/// <see cref="AgentException"/> for refusals and leave the host unchanged when they fail.</summary>
public interface IKindBackend
{
    /// <summary>The kind (or ancestor kind) this backend serves.</summary>
    Kind Kind { get; }

    /// <summary>Makes a validated new entity real; returns it with what the host reports.</summary>
    Task<Entity> CreateAsync(Entity entity, IReadOnlyList<Mixin> mixins, CancellationToken ct);

    /// <summary>Reverses <see cref="CreateAsync"/> when storing the entity failed afterwards.</summary>
    Task UndoCreateAsync(Entity entity);

    /// <summary>Applies a validated change (partial update or replace); returns the result.</summary>
    Task<Entity> UpdateAsync(Entity current, Entity updated, CancellationToken ct);

    /// <summary>Called before the entity's links are deleted along with it (e.g. a compute ends
    /// its VM first, so its disks need no hot-unplug).</summary>
    Task PrepareDeleteAsync(Entity entity, CancellationToken ct) => Task.CompletedTask;

    /// <summary>Removes what the entity is on the host (called after its links are gone).</summary>
    Task DeleteAsync(Entity entity, CancellationToken ct);

    /// <summary>Runs an action already checked against the state machine.</summary>
    Task<ActionOutcome> ActAsync(Entity entity, OcciAction action, IReadOnlyDictionary<string, OcciValue> parameters, CancellationToken ct);

    /// <summary>The entity as the host sees it now (for rendering; nothing is stored).</summary>
    Task<Entity> ObserveAsync(Entity entity, CancellationToken ct);

    /// <summary>At start: compare stored entities with the host and record what differs.</summary>
    Task<IReadOnlyList<Entity>> ReconcileAsync(IReadOnlyList<Entity> stored, CancellationToken ct);
}

/// <summary>A kind whose entities live only in the store: no host effect, and actions answer 501
/// naming what is missing (compute and network until their backends exist;
/// links have no actions).</summary>
public sealed class ModelOnlyBackend(Kind kind, string missing) : IKindBackend
{
    public Kind Kind { get; } = kind;
    public Task<Entity> CreateAsync(Entity entity, IReadOnlyList<Mixin> mixins, CancellationToken ct) => Task.FromResult(entity);
    public Task UndoCreateAsync(Entity entity) => Task.CompletedTask;
    public Task<Entity> UpdateAsync(Entity current, Entity updated, CancellationToken ct) => Task.FromResult(updated);
    public Task DeleteAsync(Entity entity, CancellationToken ct) => Task.CompletedTask;
    public Task<Entity> ObserveAsync(Entity entity, CancellationToken ct) => Task.FromResult(entity);
    public Task<IReadOnlyList<Entity>> ReconcileAsync(IReadOnlyList<Entity> stored, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<Entity>>([]);

    public Task<ActionOutcome> ActAsync(Entity entity, OcciAction action, IReadOnlyDictionary<string, OcciValue> parameters, CancellationToken ct) =>
        throw new AgentException(AgentError.NotImplemented,
            $"action {action.Term} on {Kind.Term} {entity.Id} is not implemented yet: this agent does not manage {missing} yet; the entity is unchanged");
}

/// <summary>What an action produced: the entity as it is afterwards and, for compute
/// <c>save</c>, the OS template mixin it created (GFD.224 §3.1: the response renders that mixin).</summary>
public sealed record ActionOutcome(Entity Entity, Mixin? CreatedTemplate = null)
{
    public static implicit operator ActionOutcome(Entity entity) => new(entity);
}
