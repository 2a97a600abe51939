using OcciAgent.Occi.Catalog;
using OcciAgent.Occi.Model;
using OcciAgent.Occi.Rendering;
using OcciAgent.Occi.Validation;
using OcciAgent.Storage;
using OcciAgent.Store;

namespace OcciAgent.Services;

public sealed partial class EntityService
{
    /// <summary>Creates an entity (GFD.223 §11.3.1 POST on a kind collection, §10.2.1 PUT at a
    /// new URL). <paramref name="collectionKind"/> is the kind whose collection was addressed
    /// (null for POST /, docs/conformance.md); <paramref name="putId"/> the id chosen by a PUT.</summary>
    public Task<Entity> CreateAsync(Kind? collectionKind, OcciDocument doc, string? putId, CancellationToken ct) =>
        Locked(() => CreateLockedAsync(collectionKind, doc, putId, ct), ct);

    private async Task<Entity> CreateLockedAsync(Kind? collectionKind, OcciDocument doc, string? putId, CancellationToken ct)
    {
        var snap = catalog.Current;
        if (doc.MoreEntities.Count > 0)
            throw new AgentException(AgentError.NotImplemented, "creating several entities in one request is not supported; send one entity per request");
        var res = CategoryResolver.Resolve(snap, doc.Categories);
        if (res.Actions.Count > 0)
            throw AgentException.Invalid($"an entity rendering cannot contain the action category {res.Actions[0].Id}");
        if (doc.Locations.Count > 0 || doc.EntityRefs.Count > 0)
            throw AgentException.Invalid("an entity rendering cannot contain X-OCCI-Location lines; they only name entities for mixin collections");
        var kind = res.Kind ?? collectionKind
            ?? throw AgentException.Invalid("the request names no kind: add a Category of class \"kind\" (e.g. http://schemas.ogf.org/occi/infrastructure#compute)");
        if (collectionKind is not null && !kind.IsA(collectionKind))
            throw AgentException.Invalid($"kind {kind.Id} does not belong to the collection of {collectionKind.Id} at {collectionKind.Location}");
        if (kind.Parent is null || kind == CoreKinds.Resource || kind == CoreKinds.Link)
            throw AgentException.Invalid($"kind {kind.Id} cannot be instantiated here; use compute, storage, network, networkinterface or storagelink");
        CategoryResolver.CheckMixinsFor(kind, res.Mixins);
        if (kind.IsLinkKind && doc.Links.Count > 0)
            throw AgentException.Invalid("a link entity cannot carry links (GFD.185: Link in a link rendering is a bad request)");

        var id = ChooseId(doc, putId);
        var entity = BuildNew(id, kind, res.Mixins, doc.Attributes, $"{kind.Term} {id}");
        CheckCapacity(kind, entity);
        if (kind.IsLinkKind) entity = CompleteLink(entity, kind, snap, inlineSource: null);
        if (kind.IsA(InfrastructureKinds.Compute)) entity = DefaultHostname(entity);

        var location = LocationOf(kind, id);
        var links = new List<Entity>();
        foreach (var lr in doc.Links)
            links.Add(BuildInlineLink(lr, entity, kind, location, links, snap));

        // Intents first, so a kill during the host effects leaves a record that start-up undoes.
        WriteIntents(IntentOp.Create, [entity, .. links]);
        // Host effects in order, undone in reverse if a later step or the store fails (GFD.185).
        var done = new List<(IKindBackend Backend, Entity Entity)>();
        try
        {
            var backend = BackendFor(kind);
            entity = await backend.CreateAsync(entity, res.Mixins, ct);
            done.Add((backend, entity));
            for (var i = 0; i < links.Count; i++)
            {
                var linkBackend = BackendFor(KindOf(links[i]));
                links[i] = await linkBackend.CreateAsync(links[i], MixinsOf(links[i]), ct);
                done.Add((linkBackend, links[i]));
            }
            // The entities and the end of their intents in one transaction: either the create
            // happened (and is acknowledged after this) or start-up still sees the intent.
            store.Transaction(tx =>
            {
                tx.Upsert(entity);
                foreach (var l in links) tx.Upsert(l);
                foreach (var l in links) tx.DeleteIntent(l.Id);
                tx.DeleteIntent(entity.Id);
            });
        }
        catch
        {
            await UndoCreatesAsync(done, [entity, .. links]);
            throw;
        }
        return entity;
    }

    /// <summary>What this host can give: a compute's cores and memory within its CPUs and RAM
    /// (a VM asking for more could never start), a storage's size within maxStorageGiB. Checked
    /// at create, update and resize, before any effect.</summary>
    private void CheckCapacity(Kind kind, Entity e)
    {
        if (kind.IsA(InfrastructureKinds.Compute))
        {
            if (e.Get("occi.compute.cores") is { IsNumber: true } cores && cores.AsDouble > limits.Host.Cpus)
                throw AgentException.Invalid($"occi.compute.cores {cores.ToInvariantString()} is more than this host's {limits.Host.Cpus} CPUs");
            if (e.Get("occi.compute.memory") is { IsNumber: true } memory && memory.AsDouble > limits.Host.MemoryGiB)
                throw AgentException.Invalid($"occi.compute.memory {memory.ToInvariantString()} GiB is more than this host's {OcciValue.FormatFloat(Math.Round(limits.Host.MemoryGiB, 1))} GiB of memory");
        }
        if (kind.IsA(InfrastructureKinds.Storage) && e.Get("occi.storage.size") is { IsNumber: true } size)
            CheckStorageSize(size.AsDouble);
    }

    private void CheckStorageSize(double gib)
    {
        if (gib > limits.MaxStorageGiB)
            throw AgentException.Invalid($"occi.storage.size {OcciValue.FormatFloat(gib)} GiB is above this server's maximum of {OcciValue.FormatFloat(limits.MaxStorageGiB)} GiB (maxStorageGiB)");
    }

    private string ChooseId(OcciDocument doc, string? putId)
    {
        var given = doc.Attributes.Where(a => a.Key == AttributeNames.Id).Select(a => a.Value.ToInvariantString()).ToList();
        if (putId is not null)
        {
            if (given.Any(g => g != putId))
                throw AgentException.Invalid($"occi.core.id '{given.First(g => g != putId)}' differs from the id '{putId}' in the URL");
            if (store.Get(putId) is not null) throw AgentException.Conflict($"an entity with id {putId} exists already");
            return putId;
        }
        if (given.Count == 0) return NewId();
        var id = given[0];
        // rOCCI-cli always sends a random occi.core.id (GFD.221 §5.2; docs/conformance.md): accept a valid, unused one.
        if (!IsValidId(id)) throw AgentException.Invalid($"occi.core.id '{id}' is not a valid id (letters, digits, '-' and '_', at most 64)");
        if (store.Get(id) is not null) throw AgentException.Conflict($"an entity with id {id} exists already");
        return id;
    }

    /// <summary>Validated attributes with template and kind defaults (GFD.221 §5.3.7: client value
    /// over mixin default over kind default) and the required check (GFD.221 §5.3.2).</summary>
    private static Entity BuildNew(string id, Kind kind, IReadOnlyList<Mixin> mixins,
        IEnumerable<KeyValuePair<string, OcciValue>> given, string description)
    {
        var specs = AttributeValidator.Definitions(kind, mixins);
        var defaults = AttributeValidator.Defaults(kind, mixins);
        var values = AttributeValidator.Check(specs, given, null, defaults, description);
        values.Remove(AttributeNames.Id);
        values.Remove(AttributeNames.SourceKind);
        foreach (var (name, v) in defaults) values.TryAdd(name, v);
        // An os_tpl image gives a storage its size (GFD.224 §3.3: required unless a template supplies it).
        if (kind.IsA(InfrastructureKinds.Storage) && mixins.Any(m => m.Backing is ImageInfo))
            specs.Remove("occi.storage.size");
        AttributeValidator.CheckRequired(specs, values);
        return NewEntity(id, kind, mixins, values);
    }

    /// <summary>docs/conformance.md: hostname defaults to the title, sanitised to a DNS label.</summary>
    private static Entity DefaultHostname(Entity e)
    {
        if (e.Get("occi.compute.hostname") is not null || e.GetString(AttributeNames.Title) is not { } title) return e;
        var label = new string(title.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray()).Trim('-');
        if (label.Length > 63) label = label[..63].Trim('-');
        return label.Length == 0 ? e : e.With("occi.compute.hostname", OcciValue.Str(label));
    }

    /// <summary>Undoes the host effects done so far, in reverse. The create intents go only when
    /// every undo succeeded: one that failed leaves its intent, so the next start tries again.</summary>
    private async Task UndoCreatesAsync(List<(IKindBackend Backend, Entity Entity)> done, IReadOnlyList<Entity> planned)
    {
        var failed = new HashSet<string>(StringComparer.Ordinal);
        for (var i = done.Count - 1; i >= 0; i--)
            if (!await UndoAsync(done[i].Backend, done[i].Entity)) failed.Add(done[i].Entity.Id);
        ClearIntents(planned.Select(e => e.Id).Where(id => !failed.Contains(id)));
    }

    private async Task<bool> UndoAsync(IKindBackend backend, Entity e)
    {
        try
        {
            await backend.UndoCreateAsync(e);
            return true;
        }
        catch (Exception ex)
        {
            Log.UndoFailed(log, e.Id, ex.Message);
            return false;
        }
    }
}
