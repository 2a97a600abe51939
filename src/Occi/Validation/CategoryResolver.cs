using OcciAgent.Occi.Catalog;
using OcciAgent.Occi.Model;
using OcciAgent.Occi.Rendering;

namespace OcciAgent.Occi.Validation;

/// <summary>Categories named in a request, resolved against the catalog.</summary>
public sealed record ResolvedCategories(Kind? Kind, IReadOnlyList<Mixin> Mixins, IReadOnlyList<OcciAction> Actions);

/// <summary>Resolves Category renderings by scheme + term (GFD.221 §5.3.1). A missing class is
/// fine (1.1 clients, docs/conformance.md); a class that contradicts the model or an unknown
/// category is a 400 naming it.</summary>
public static class CategoryResolver
{
    public static ResolvedCategories Resolve(CatalogSnapshot catalog, IEnumerable<CategoryRendering> categories)
    {
        Kind? kind = null;
        var mixins = new List<Mixin>();
        var actions = new List<OcciAction>();
        var errors = new List<string>();
        foreach (var c in categories)
        {
            var found = catalog.Find(c.Id);
            if (found is null)
            {
                errors.Add($"unknown category {c.Id}");
                continue;
            }
            if (c.Class is { } cls && !string.Equals(cls, found.Class, StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"category {c.Id} is a {found.Class}, not a {cls}");
                continue;
            }
            switch (found)
            {
                case Kind k when kind is null || ReferenceEquals(kind, k): kind = k; break;
                case Kind k: errors.Add($"more than one kind given: {kind!.Id} and {k.Id}"); break;
                case Mixin m when !mixins.Contains(m): mixins.Add(m); break;
                case OcciAction a when !actions.Contains(a): actions.Add(a); break;
            }
        }
        if (errors.Count > 0) throw AgentException.Invalid(string.Join("; ", errors));
        return new ResolvedCategories(kind, mixins, actions);
    }

    /// <summary>Template rules of GFD.224 §3.5: at most one os_tpl-derived and one
    /// resource_tpl-derived mixin (docs/conformance.md); every mixin must apply to the kind (GFD.221 §5.3.4).</summary>
    public static void CheckMixinsFor(Kind kind, IReadOnlyList<Mixin> mixins)
    {
        var errors = new List<string>();
        foreach (var m in mixins)
            if (!m.AppliesTo(kind))
                errors.Add($"mixin {m.Id} does not apply to kind {kind.Id} (applies to {string.Join(", ", m.Applies.Select(a => a.Id))})");
        CheckSingle(mixins, InfrastructureMixins.OsTpl, errors);
        CheckSingle(mixins, InfrastructureMixins.ResourceTpl, errors);
        if (errors.Count > 0) throw AgentException.Invalid(string.Join("; ", errors));
    }

    private static void CheckSingle(IReadOnlyList<Mixin> mixins, Mixin @base, List<string> errors)
    {
        var derived = mixins.Where(m => m.DependsOn(@base)).ToList();
        if (derived.Count > 1)
            errors.Add($"only one {@base.Term} mixin may be associated, got {string.Join(" and ", derived.Select(m => m.Id))}");
    }
}
