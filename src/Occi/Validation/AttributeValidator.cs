using OcciAgent.Occi.Model;

namespace OcciAgent.Occi.Validation;

/// <summary>Validates the attributes of a creation or update against the definitions of the
/// entity's kind and mixins (GFD.221 §5.2, §5.3.2, §5.3.7) and reports every problem at once
/// (400). Immutable attributes follow GFD.221 §5.2 and docs/conformance.md.</summary>
public static class AttributeValidator
{
    /// <summary>Misspelling in ooi accepted as an alias (docs/conformance.md).</summary>
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["occi.crendentials.ssh.publickey"] = "occi.credentials.ssh.publickey",
    };

    /// <summary>Attribute definitions available to an entity: the kind's, then each mixin's
    /// (a name defined by both keeps the kind's definition).</summary>
    public static Dictionary<string, AttributeSpec> Definitions(Kind kind, IEnumerable<Mixin> mixins)
    {
        var specs = new Dictionary<string, AttributeSpec>(StringComparer.Ordinal);
        foreach (var s in kind.AllAttributes) specs[s.Name] = s;
        foreach (var m in mixins)
            foreach (var s in m.AllAttributes)
                specs.TryAdd(s.Name, s);
        return specs;
    }

    /// <summary>Defaults in precedence order: mixin (template) default over kind default
    /// (GFD.221 §5.3.7).</summary>
    public static Dictionary<string, OcciValue> Defaults(Kind kind, IEnumerable<Mixin> mixins)
    {
        var d = new Dictionary<string, OcciValue>(StringComparer.Ordinal);
        foreach (var s in kind.AllAttributes) if (s.Default is { } v) d[s.Name] = v;
        foreach (var m in mixins)
            foreach (var s in m.AllAttributes)
                if (s.Default is { } v) d[s.Name] = v;
        return d;
    }

    /// <summary>Coerces and checks client values. <paramref name="current"/> is null on creation.
    /// Immutable values are accepted only when equal to the current value (or, on creation, to
    /// the default); occi.core.id is handled by the caller.</summary>
    public static Dictionary<string, OcciValue> Check(
        Dictionary<string, AttributeSpec> specs,
        IEnumerable<KeyValuePair<string, OcciValue>> given,
        IReadOnlyDictionary<string, OcciValue>? current,
        IReadOnlyDictionary<string, OcciValue> defaults,
        string entityDescription)
    {
        var errors = new List<string>();
        var result = new Dictionary<string, OcciValue>(StringComparer.Ordinal);
        foreach (var (rawName, value) in given)
        {
            var name = Aliases.GetValueOrDefault(rawName, rawName);
            if (result.ContainsKey(name))
            {
                errors.Add($"attribute {name} is given more than once");
                continue;
            }
            if (!specs.TryGetValue(name, out var spec))
            {
                errors.Add($"unknown attribute {rawName}: not defined by the kind or mixins of {entityDescription}");
                continue;
            }
            var typed = ValueCoercion.Coerce(spec, value, out var error);
            if (typed is not { } v)
            {
                errors.Add(error!);
                continue;
            }
            if (name == AttributeNames.Id || name == AttributeNames.SourceKind)
            {
                result[name] = v; // checked by the caller against the real id / source
                continue;
            }
            OcciValue? existing = current is null
                ? defaults.TryGetValue(name, out var dv) ? dv : null
                : current.TryGetValue(name, out var cv) ? cv : null;
            if (!spec.Mutable)
            {
                if (existing is { } e && e.SameAs(v)) continue; // harmless echo of a server value (docs/conformance.md)
                errors.Add($"attribute {name} is immutable (managed by the server) and cannot be set by a client");
                continue;
            }
            if (spec.WriteOnce && current is not null && !(existing is { } w && w.SameAs(v)))
            {
                errors.Add($"attribute {name} can only be set when the entity is created");
                continue;
            }
            result[name] = v;
        }
        if (errors.Count > 0) throw AgentException.Invalid(string.Join("; ", errors));
        return result;
    }

    /// <summary>GFD.221 §5.3.2: required attributes must have a value after defaults are applied.</summary>
    public static void CheckRequired(Dictionary<string, AttributeSpec> specs, IReadOnlyDictionary<string, OcciValue> values)
    {
        var missing = specs.Values.Where(s => s.Required && !values.ContainsKey(s.Name)).Select(s => s.Name).ToList();
        if (missing.Count > 0)
            throw AgentException.Invalid($"missing required attribute{(missing.Count > 1 ? "s" : "")}: {string.Join(", ", missing)}");
    }
}
