using System.Collections.Immutable;
using OcciAgent.Occi.Model;

namespace OcciAgent.Occi.Catalog;

/// <summary>Immutable view of every category the agent serves at one moment. Replaced as a whole
/// when templates or user mixins change, so a request always sees one consistent model.</summary>
public sealed class CatalogSnapshot
{
    public CatalogSnapshot(IReadOnlyList<Kind> kinds, IReadOnlyList<Mixin> mixins)
    {
        Kinds = kinds;
        Mixins = mixins;
        Actions = kinds.SelectMany(k => k.Actions).Concat(mixins.SelectMany(m => m.Actions)).Distinct().ToList();
        var byId = new Dictionary<string, Category>(StringComparer.Ordinal);
        foreach (var c in kinds.Cast<Category>().Concat(mixins).Concat(Actions)) byId[c.Id] = c;
        ById = byId.ToImmutableDictionary();
        var byLoc = new Dictionary<string, Category>(StringComparer.Ordinal);
        foreach (var k in kinds) if (k.Location is not null) byLoc[k.Location] = k;
        foreach (var m in mixins) byLoc[m.Location] = m;
        ByLocation = byLoc.ToImmutableDictionary();
    }

    public IReadOnlyList<Kind> Kinds { get; }
    public IReadOnlyList<Mixin> Mixins { get; }
    public IReadOnlyList<OcciAction> Actions { get; }
    public ImmutableDictionary<string, Category> ById { get; }
    public ImmutableDictionary<string, Category> ByLocation { get; }

    public Category? Find(string typeId) => ById.GetValueOrDefault(typeId);
    public Kind? FindKind(string typeId) => Find(typeId) as Kind;
    public Mixin? FindMixin(string typeId) => Find(typeId) as Mixin;
    public OcciAction? FindAction(string typeId) => Find(typeId) as OcciAction;

    /// <summary>The kind or mixin bound to a collection path (ending in '/').</summary>
    public Category? AtLocation(string path) => ByLocation.GetValueOrDefault(path);

}

/// <summary>The agent's category model (GFD.221 §5.3): static kinds and mixins, plus the
/// provider templates (images, flavours) and user-defined mixins that change at run time.</summary>
public sealed class OcciCatalog
{
    private readonly object _gate = new();
    private ImmutableArray<Mixin> _osTemplates = [];
    private ImmutableArray<Mixin> _flavours = [];
    private ImmutableArray<Mixin> _userMixins = [];
    private CatalogSnapshot _current;

    public OcciCatalog(string schemeBase)
    {
        SchemeBase = schemeBase;
        _current = Build();
    }

    /// <summary>Provider scheme prefix, e.g. <c>http://node1/occi/</c> (GFD.221 §5.5.1).</summary>
    public string SchemeBase { get; }

    public CatalogSnapshot Current => Volatile.Read(ref _current);

    public void SetOsTemplates(IEnumerable<Mixin> templates) => Update(() => _osTemplates = [.. templates]);
    public void SetFlavours(IEnumerable<Mixin> flavours) => Update(() => _flavours = [.. flavours]);
    public void SetUserMixins(IEnumerable<Mixin> mixins) => Update(() => _userMixins = [.. mixins]);
    /// <summary>One rebuild per request, whatever the number of mixins it adds or removes.</summary>
    public void AddUserMixins(IEnumerable<Mixin> added) => Update(() => _userMixins = _userMixins.AddRange(added));
    public void RemoveUserMixins(IReadOnlyCollection<Mixin> removed)
    {
        var gone = removed.ToHashSet();
        Update(() => _userMixins = [.. _userMixins.Where(m => !gone.Contains(m))]);
    }

    private void Update(Action change)
    {
        lock (_gate)
        {
            change();
            Volatile.Write(ref _current, Build());
        }
    }

    private CatalogSnapshot Build() =>
        new(InfrastructureKinds.All,
            [.. InfrastructureMixins.All, Templates.NatMixin(SchemeBase), .. _osTemplates, .. _flavours, .. _userMixins]);
}
