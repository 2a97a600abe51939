using OcciAgent.Occi;
using OcciAgent.Occi.Catalog;
using OcciAgent.Occi.Model;
using OcciAgent.Occi.Rendering;
using OcciAgent.Occi.Validation;

namespace OcciAgent.Services;

public sealed partial class EntityService
{
    /// <summary>POST &lt;entity&gt;?action=term (GFD.223 §10.3.2) with the validation order of
    /// docs/conformance.md: 404 → unknown action 400 → body category mismatch 400 → ambiguous 409
    /// → parameters 400 → not applicable in this state 409 → execute.</summary>
    public Task<ActionOutcome> ActionAsync(string path, string term, OcciDocument doc, CancellationToken ct) =>
        EntityLocked(path, async () =>
        {
            var (e, kind, action, parameters) = await Locked(async () =>
            {
                // The state the host reports now, not the last stored one (it follows events).
                var stored = GetAt(path);
                var k = KindOf(stored);
                var observed = await BackendFor(k).ObserveAsync(stored, ct);
                var mixins = MixinsOf(observed);
                var (a, p) = ResolveAction(k.Actions.Concat(mixins.SelectMany(m => m.Actions)).ToList(), term, doc, $"{k.Term} {observed.Id}");
                CheckApplicable(k, mixins, observed, a);
                return (observed, k, a, p);
            }, ct);
            // Host work outside the write lock (see EntityLocked); this entity's other requests wait.
            var outcome = await BackendFor(kind).ActAsync(e, action, parameters, ct);
            var stored = await Locked(() => StoreActionResultAsync(kind, e, outcome.Entity, ct), ct);
            return outcome with { Entity = stored };
        }, ct);

    /// <summary>Stores what an action changed, onto the entity as it is now (a host event may have
    /// been stored meanwhile), then the host's current view of it; an entity deleted meanwhile
    /// (a collection DELETE) stays deleted.</summary>
    private async Task<Entity> StoreActionResultAsync(Kind kind, Entity before, Entity after, CancellationToken ct)
    {
        if (store.Get(after.Id) is not { } current) return after;
        var merged = current;
        foreach (var name in before.Attributes.Keys.Union(after.Attributes.Keys, StringComparer.Ordinal))
        {
            var was = before.Get(name);
            var now = after.Get(name);
            if (was is null != now is null || was is { } w && now is { } n && !w.SameAs(n)) merged = merged.With(name, now);
        }
        merged = await BackendFor(kind).ObserveAsync(merged, ct);
        store.Upsert(merged);
        return merged;
    }

    /// <summary>POST &lt;collection&gt;?action=term (GFD.223 §11.3.3): the action must belong to
    /// the collection's kind or mixin (GFD.221 §5.3.5) and apply to every member, checked before any runs.</summary>
    public Task<IReadOnlyList<Entity>> CollectionActionAsync(Category owner, IReadOnlyList<Entity> members, string term,
        OcciDocument doc, CancellationToken ct) =>
        Locked(async () =>
        {
            var defined = owner switch { Kind k => k.Actions, Mixin m => m.Actions, _ => [] };
            var (action, parameters) = ResolveAction(defined, term, doc, $"collection {owner.Id}");
            var observed = new List<Entity>();
            foreach (var m in members) observed.Add(await BackendFor(KindOf(m)).ObserveAsync(m, ct));
            foreach (var e in observed) CheckApplicable(KindOf(e), MixinsOf(e), e, action);
            var results = new List<Entity>();
            foreach (var e in observed) results.Add(await ExecuteAsync(e, KindOf(e), action, parameters, ct));
            return (IReadOnlyList<Entity>)results;
        }, ct);

    private (OcciAction, Dictionary<string, OcciValue>) ResolveAction(IReadOnlyList<OcciAction> available, string term,
        OcciDocument doc, string target)
    {
        if (string.IsNullOrEmpty(term)) throw AgentException.Invalid("the action query parameter is empty");
        var matches = available.Where(a => a.Term == term).ToList();
        if (matches.Count == 0)
            throw AgentException.Invalid($"action '{term}' is not defined for {target}; defined: {string.Join(", ", available.Select(a => a.Term).Distinct())}");
        OcciAction action;
        var bodyCats = doc.Categories;
        if (bodyCats.Count > 1) throw AgentException.Invalid("an action invocation carries exactly one action Category (GFD.229 §5.1.1)");
        if (bodyCats.Count == 1)
        {
            var c = bodyCats[0];
            if (c.Term != term)
                throw AgentException.Invalid($"the action Category {c.Id} does not match ?action={term}");
            action = matches.FirstOrDefault(a => a.Id == c.Id)
                ?? throw AgentException.Invalid($"action {c.Id} is not defined for {target}");
        }
        else if (matches.Count > 1)
            throw AgentException.Conflict($"action '{term}' is ambiguous for {target}: {string.Join(", ", matches.Select(m => m.Id))}; send the action Category");
        else action = matches[0];
        if (doc.Links.Count > 0 || doc.Locations.Count > 0)
            throw AgentException.Invalid("an action invocation carries only the action Category and its attributes");

        var specs = action.Parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var values = AttributeValidator.Check(specs, doc.Attributes, null, new Dictionary<string, OcciValue>(), $"action {action.Id}");
        foreach (var p in action.Parameters)
            if (p.Default is { } d) values.TryAdd(p.Name, d);
        AttributeValidator.CheckRequired(specs, values);
        if (action == InfrastructureKinds.Resize && values.TryGetValue("size", out var size) && size.IsNumber)
            CheckStorageSize(size.AsDouble);
        return (action, values);
    }

    private static void CheckApplicable(Kind kind, IEnumerable<Mixin> mixins, Entity e, OcciAction action)
    {
        if (StateRules.Applicable(kind, mixins, e).Contains(action)) return;
        var stateAttr = StateRules.StateAttribute(kind);
        var state = stateAttr is null ? "its current state" : $"state {e.GetString(stateAttr)}";
        throw AgentException.Conflict($"action {action.Term} is not applicable to {kind.Term} {e.Id} in {state}");
    }

    private async Task<Entity> ExecuteAsync(Entity e, Kind kind, OcciAction action, Dictionary<string, OcciValue> p, CancellationToken ct)
    {
        var result = (await BackendFor(kind).ActAsync(e, action, p, ct)).Entity;
        store.Upsert(result);
        return result;
    }
}
