using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using OcciAgent.Config;
using OcciAgent.Occi;
using OcciAgent.Occi.Catalog;
using OcciAgent.Occi.Model;
using OcciAgent.Occi.Rendering;
using OcciAgent.Store;

namespace OcciAgent.Services;

/// <summary>The OCCI semantics of GFD.221/GFD.224 over the store and the backends: creation with
/// templates and inline links, partial update, replace, delete, mixin association, actions.
/// HTTP-free: callers pass parsed documents and get entities back; refusals are
/// <see cref="AgentException"/>. Writes are serialised: one host, one writer at a time.</summary>
public sealed partial class EntityService(
    OcciCatalog catalog, IEntityStore store, IEnumerable<IKindBackend> backends, ILogger<EntityService> log, RequestLimits limits)
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> _entityLocks = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<IKindBackend> _backends = [.. backends];

    /// <summary>The backend of the kind or of its nearest ancestor; kinds without one only live
    /// in the store.</summary>
    internal IKindBackend BackendFor(Kind kind)
    {
        for (var k = kind; k is not null; k = k.Parent)
            if (_backends.FirstOrDefault(b => b.Kind == k) is { } b) return b;
        return new ModelOnlyBackend(kind, $"{kind.Term} entities");
    }

    public OcciCatalog Catalog => catalog;
    public IEntityStore Store => store;

    public static string LocationOf(Kind kind, string id) => kind.Location + id;

    public string LocationOf(Entity e) =>
        LocationOf(catalog.Current.FindKind(e.KindId) ?? throw new InvalidOperationException($"entity {e.Id} has unknown kind {e.KindId}"), e.Id);

    /// <summary>Finds the entity at <c>/&lt;kind location&gt;&lt;id&gt;</c>; null when absent or
    /// when the id belongs to another kind's collection.</summary>
    public Entity? FindAt(string path)
    {
        var slash = path.LastIndexOf('/');
        if (slash < 0 || slash == path.Length - 1) return null;
        if (catalog.Current.AtLocation(path[..(slash + 1)]) is not Kind kind) return null;
        var e = store.Get(path[(slash + 1)..]);
        return e is not null && e.KindId == kind.Id ? e : null;
    }

    public Entity GetAt(string path) => FindAt(path) ?? throw AgentException.NotFound($"no entity at {path}");

    private async Task<T> Locked<T>(Func<Task<T>> work, CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct);
        try { return await work(); }
        finally { _writeLock.Release(); }
    }

    /// <summary>One entity's requests, one at a time: its actions run their host work outside the
    /// write lock (a graceful stop may wait a minute for the guest, and other entities must not wait
    /// with it), so its updates, replaces and deletes queue here. Always taken before the write
    /// lock, never while holding it.</summary>
    private async Task<T> EntityLocked<T>(string path, Func<Task<T>> work, CancellationToken ct)
    {
        var gate = _entityLocks.GetOrAdd(path, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try { return await work(); }
        finally { gate.Release(); }
    }

    /// <summary>Ids: bare lowercase UUIDs by default (GFD.221 §5.4; docs/conformance.md); a client id must be a
    /// simple token that rOCCI 5's id pattern also accepts.</summary>
    public static bool IsValidId(string id) =>
        id.Length is > 0 and <= 64 && char.IsAsciiLetterOrDigit(id[0]) && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public static string NewId() => Guid.NewGuid().ToString("D");

    private static Entity NewEntity(string id, Kind kind, IEnumerable<Mixin> mixins, IDictionary<string, OcciValue> attrs) =>
        new(id, kind.Id, [.. mixins.Select(m => m.Id)], attrs.ToImmutableSortedDictionary(StringComparer.Ordinal));

    internal IReadOnlyList<Mixin> MixinsOf(Entity e) =>
        e.Mixins.Select(id => catalog.Current.FindMixin(id)).OfType<Mixin>().ToList();

    internal Kind KindOf(Entity e) =>
        catalog.Current.FindKind(e.KindId) ?? throw new InvalidOperationException($"entity {e.Id} has unknown kind {e.KindId}");

    /// <summary>Builds the rendering view; storage size and state come from the real volume.</summary>
    public async Task<EntityView> ViewAsync(Entity e, CancellationToken ct, bool withLinks = true, bool observe = true)
    {
        var kind = KindOf(e);
        var observed = observe ? await BackendFor(kind).ObserveAsync(e, ct) : e;
        var mixins = MixinsOf(observed);
        var location = LocationOf(kind, e.Id);
        var links = new List<EntityView>();
        if (withLinks && !kind.IsLinkKind)
            foreach (var l in store.LinksFrom(location))
                links.Add(await ViewAsync(l, ct, withLinks: false));
        return new EntityView(observed, kind, mixins, location,
            StateRules.Applicable(kind, mixins, observed), OrderAttributes(kind, mixins, observed), links);
    }

    /// <summary>occi.core.id first, then the kind's attributes in definition order, then the
    /// mixins', then anything else by name.</summary>
    private static List<KeyValuePair<string, OcciValue>> OrderAttributes(Kind kind, IEnumerable<Mixin> mixins, Entity e)
    {
        var result = new List<KeyValuePair<string, OcciValue>> { new(AttributeNames.Id, OcciValue.Str(e.Id)) };
        var seen = new HashSet<string>(StringComparer.Ordinal) { AttributeNames.Id };
        foreach (var name in kind.AllAttributes.Concat(mixins.SelectMany(m => m.AllAttributes)).Select(s => s.Name)
                     .Concat(e.Attributes.Keys))
            if (seen.Add(name) && e.Attributes.TryGetValue(name, out var v))
                result.Add(new(name, v));
        return result;
    }

    /// <summary>Records what the host reports about an entity (a VM's state after a QMP event),
    /// under the same write lock as requests; null when the entity is gone.</summary>
    public Task<Entity?> ApplyHostChangeAsync(string id, Func<Entity, Entity> change) =>
        Locked(() =>
        {
            var e = store.Get(id);
            if (e is null) return Task.FromResult<Entity?>(null);
            var updated = change(e);
            if (!updated.Attributes.SequenceEqual(e.Attributes)) store.Upsert(updated);
            return Task.FromResult<Entity?>(updated);
        }, CancellationToken.None);

    /// <summary>The order in which backends reconcile at start, each after what it stands on:
    /// networks recreate their bridges, interfaces then put their taps on them, volumes are checked
    /// before the VMs that open them, VMs are reattached (QEMU opens taps and volumes by name), and
    /// storage links, which only describe the disks of those VMs, come last. Backends of other
    /// kinds follow in the order given.</summary>
    public static readonly Kind[] ReconcileOrder =
    [
        InfrastructureKinds.Network, InfrastructureKinds.NetworkInterface, InfrastructureKinds.Storage,
        InfrastructureKinds.Compute, InfrastructureKinds.StorageLink,
    ];

    internal IEnumerable<IKindBackend> BackendsInReconcileOrder() =>
        _backends.OrderBy(b => Array.IndexOf(ReconcileOrder, b.Kind) is var i and >= 0 ? i : int.MaxValue);

    /// <summary>At start, each backend (in <see cref="ReconcileOrder"/>) compares the stored
    /// entities of its kind with the host, the differences are stored and what no entity names is removed; then the changes a crash interrupted are
    /// finished or undone.</summary>
    public async Task ReconcileAsync(CancellationToken ct)
    {
        var all = store.All();
        foreach (var backend in BackendsInReconcileOrder())
        {
            var mine = all.Where(e => catalog.Current.FindKind(e.KindId)?.IsA(backend.Kind) == true).ToList();
            var changed = await backend.ReconcileAsync(mine, ct);
            if (changed.Count > 0) store.Transaction(tx => { foreach (var e in changed) tx.Upsert(e); });
        }
        await ResolveIntentsAsync(ct);
    }
}
