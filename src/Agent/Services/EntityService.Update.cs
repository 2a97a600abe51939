using System.Collections.Immutable;
using OcciAgent.Occi.Catalog;
using OcciAgent.Occi.Model;
using OcciAgent.Occi.Rendering;
using OcciAgent.Occi.Validation;
using OcciAgent.Store;

namespace OcciAgent.Services;

public sealed partial class EntityService
{
    /// <summary>POST on an entity without action: partial update (GFD.223 §10.3.1):
    /// set mutable attributes, associate mixins, create links on resources.</summary>
    public Task<Entity> UpdateAsync(string path, OcciDocument doc, CancellationToken ct) =>
        EntityLocked(path, () => Locked(async () =>
        {
            var current = GetAt(path);
            var kind = KindOf(current);
            var res = ResolveForExisting(kind, doc);
            if (kind.IsLinkKind && doc.Links.Count > 0)
                throw AgentException.Invalid("links cannot be added to a link entity (GFD.185)");
            var mixins = MergeMixins(current, res.Mixins, replaceAll: false);
            var updated = ApplyAttributes(current, kind, mixins, doc.Attributes, clearMissing: false);
            CheckCapacity(kind, updated);
            var links = new List<Entity>();
            foreach (var lr in doc.Links)
                links.Add(BuildInlineLink(lr, updated, kind, path, links, catalog.Current));
            return await CommitUpdateAsync(current, updated, kind, links, ct);
        }, ct), ct);

    /// <summary>PUT on an existing entity: full replace (GFD.223 §10.2.2). Links
    /// stay intact; Link lines are a bad request (GFD.185).</summary>
    public Task<Entity> ReplaceAsync(string path, OcciDocument doc, CancellationToken ct) =>
        EntityLocked(path, () => Locked(async () =>
        {
            var current = GetAt(path);
            var kind = KindOf(current);
            if (doc.Links.Count > 0)
                throw AgentException.Invalid("a PUT rendering must not contain links; existing links are kept (GFD.185)");
            var res = ResolveForExisting(kind, doc);
            var mixins = MergeMixins(current, res.Mixins, replaceAll: true);
            var updated = ApplyAttributes(current, kind, mixins, doc.Attributes, clearMissing: true);
            CheckCapacity(kind, updated);
            return await CommitUpdateAsync(current, updated, kind, [], ct);
        }, ct), ct);

    private ResolvedCategories ResolveForExisting(Kind kind, OcciDocument doc)
    {
        var res = CategoryResolver.Resolve(catalog.Current, doc.Categories);
        if (res.Kind is not null && res.Kind != kind)
            throw AgentException.Invalid($"the kind of an entity cannot change: it is {kind.Id}, the request says {res.Kind.Id}");
        if (res.Actions.Count > 0)
            throw AgentException.Invalid($"to trigger {res.Actions[0].Id} POST to the entity with ?action={res.Actions[0].Term}");
        if (doc.Locations.Count > 0 || doc.EntityRefs.Count > 0 || doc.MoreEntities.Count > 0)
            throw AgentException.Invalid("an update carries one entity rendering; X-OCCI-Location lines and collections have no meaning here");
        return res;
    }

    /// <summary>Template replacement rules (GFD.224 §3.5): a new resource_tpl replaces the old
    /// one; a different os_tpl would mean re-imaging, which is not supported (GFD.224 §3.5.1: 400).</summary>
    private List<Mixin> MergeMixins(Entity current, IReadOnlyList<Mixin> requested, bool replaceAll)
    {
        var kind = KindOf(current);
        var have = MixinsOf(current);
        var oldOs = have.FirstOrDefault(m => m.DependsOn(InfrastructureMixins.OsTpl));
        var newOs = requested.Where(m => m.DependsOn(InfrastructureMixins.OsTpl)).ToList();
        if (newOs.Any(m => m != oldOs))
            throw AgentException.Invalid(oldOs is null
                ? $"an OS template can only be chosen when the {kind.Term} is created; re-imaging is not supported"
                : $"re-imaging is not supported: {current.Id} uses {oldOs.Id}, the request asks for {newOs.First(m => m != oldOs).Id}");
        var result = replaceAll ? requested.ToList() : have.ToList();
        // The OS template is the disk's backing file; a PUT that leaves it out keeps it.
        if (oldOs is not null && !result.Contains(oldOs)) result.Add(oldOs);
        foreach (var m in requested)
        {
            if (result.Contains(m) && !replaceAll) continue;
            if (m.DependsOn(InfrastructureMixins.ResourceTpl))
                result.RemoveAll(o => o != m && o.DependsOn(InfrastructureMixins.ResourceTpl));
            if (!result.Contains(m)) result.Add(m);
        }
        CategoryResolver.CheckMixinsFor(kind, result);
        return result;
    }

    private Entity ApplyAttributes(Entity current, Kind kind, List<Mixin> mixins,
        IEnumerable<KeyValuePair<string, OcciValue>> given, bool clearMissing)
    {
        var specs = AttributeValidator.Definitions(kind, mixins);
        var changes = AttributeValidator.Check(specs, given, current.Attributes, AttributeValidator.Defaults(kind, mixins),
            $"{kind.Term} {current.Id}");
        if (changes.TryGetValue(AttributeNames.Id, out var idv) && idv.ToInvariantString() != current.Id)
            throw AgentException.Invalid($"occi.core.id is immutable: it is {current.Id}, the request says {idv}");
        changes.Remove(AttributeNames.Id);
        changes.Remove(AttributeNames.SourceKind);
        if (kind.IsLinkKind)
            foreach (var name in new[] { AttributeNames.Source, AttributeNames.Target, AttributeNames.TargetKind })
                if (changes.TryGetValue(name, out var v) && !(current.Get(name) is { } c && c.SameAs(v)))
                    throw AgentException.Invalid($"{name} of a link cannot change; create a new link instead (GFD.221 §5.4.3)");

        var attrs = current.Attributes.ToBuilder();
        // Attributes of mixins that are no longer associated go with them.
        foreach (var name in attrs.Keys.ToList())
            if (!specs.ContainsKey(name)) attrs.Remove(name);
        if (clearMissing)
            foreach (var s in specs.Values)
                if (s.Mutable && !s.KeepOnReplace && !s.WriteOnce && !changes.ContainsKey(s.Name)
                    && s.Name is not (AttributeNames.Source or AttributeNames.Target or AttributeNames.TargetKind))
                    attrs.Remove(s.Name);
        // A newly associated resource template sets cores and memory unless the request does (GFD.224 §3.5.2).
        var newTpl = mixins.Except(MixinsOf(current)).FirstOrDefault(m => m.DependsOn(InfrastructureMixins.ResourceTpl));
        if (newTpl is not null)
            foreach (var s in newTpl.Attributes)
                if (s.Default is { } d && !changes.ContainsKey(s.Name)) attrs[s.Name] = d;
        foreach (var (name, v) in changes) attrs[name] = v;
        var updated = current with { Mixins = [.. mixins.Select(m => m.Id)], Attributes = attrs.ToImmutable() };
        // A storage always has its size from creation, and PUT keeps it (KeepOnReplace): no waiver needed.
        AttributeValidator.CheckRequired(specs, updated.Attributes);
        return updated;
    }

    private async Task<Entity> CommitUpdateAsync(Entity current, Entity updated, Kind kind, List<Entity> links, CancellationToken ct)
    {
        updated = await BackendFor(kind).UpdateAsync(current, updated, ct);
        // Inline links are creates: the same intent discipline as CreateLockedAsync.
        if (links.Count > 0) WriteIntents(IntentOp.Create, links);
        var done = new List<(IKindBackend Backend, Entity Entity)>();
        try
        {
            for (var i = 0; i < links.Count; i++)
            {
                var linkBackend = BackendFor(KindOf(links[i]));
                links[i] = await linkBackend.CreateAsync(links[i], MixinsOf(links[i]), ct);
                done.Add((linkBackend, links[i]));
            }
            store.Transaction(tx =>
            {
                tx.Upsert(updated);
                foreach (var l in links) tx.Upsert(l);
                foreach (var l in links) tx.DeleteIntent(l.Id);
            });
        }
        catch
        {
            await UndoCreatesAsync(done, links);
            throw;
        }
        return updated;
    }

    /// <summary>DELETE of an entity (GFD.223 §10.4): a resource takes its links with it (GFD.221 §5.4.2),
    /// including links that point at it; a storage loses its volume file.</summary>
    public Task DeleteAsync(string path, CancellationToken ct) =>
        EntityLocked(path, () => Locked(async () =>
        {
            var e = GetAt(path);
            await DeleteLockedAsync(e, ct);
            return true;
        }, ct), ct);

    private async Task DeleteLockedAsync(Entity e, CancellationToken ct)
    {
        var kind = KindOf(e);
        var location = LocationOf(kind, e.Id);
        var links = kind.IsLinkKind ? [] : store.LinksFrom(location).Concat(store.LinksTo(location)).DistinctBy(l => l.Id).ToList();
        // Delete intents first: a kill part-way through the host work below leaves an entity whose
        // volume or VM may be gone already, and start-up must finish that delete, not keep it.
        WriteIntents(IntentOp.Delete, [e, .. links]);
        try
        {
            // The host first (links, then the resource), so a failure leaves the entity in place.
            // A compute's VM ends before its disks are unlinked, so nothing is hot-unplugged in vain.
            await BackendFor(kind).PrepareDeleteAsync(e, ct);
            foreach (var l in links) await BackendFor(KindOf(l)).DeleteAsync(l, ct);
            await BackendFor(kind).DeleteAsync(e, ct);
        }
        catch
        {
            // A refused or failed delete was answered with an error: the entity stays, as before.
            ClearIntents([e.Id, .. links.Select(l => l.Id)]);
            throw;
        }
        store.Transaction(tx =>
        {
            foreach (var l in links)
            {
                tx.Delete(l.Id);
                tx.DeleteIntent(l.Id);
            }
            tx.Delete(e.Id);
            tx.DeleteIntent(e.Id);
        });
    }

    /// <summary>DELETE on a kind collection: delete every member (GFD.223 §11.4).</summary>
    public Task<int> DeleteAllAsync(Kind kind, CancellationToken ct) =>
        Locked(async () =>
        {
            var members = store.All().Where(e => KindOf(e).IsA(kind)).ToList();
            var deleted = 0;
            foreach (var e in members)
            {
                if (store.Get(e.Id) is null) continue; // removed already as a link of an earlier member
                await DeleteLockedAsync(e, ct);
                deleted++;
            }
            return deleted;
        }, ct);
}
