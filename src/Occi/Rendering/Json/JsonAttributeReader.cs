using System.Text.Json;
using OcciAgent.Occi.Model;

namespace OcciAgent.Occi.Rendering.Json;

/// <summary>Reads an <c>attributes</c> object (GFD.226 §3.5) and reconciles it with the entity
/// members that duplicate core attributes (id, title, summary, source, target; GFD.226 §3.1).</summary>
internal static class JsonAttributeReader
{
    /// <summary>Flat by spec; nested objects are rOCCI 4's pre-1.2 format
    /// (<c>{"occi":{"compute":{"cores":2}}}</c>) and are flattened by joining keys with '.'
    /// (docs/conformance.md, OCCI 1.1 clients). Unknown resulting names are left to validation.</summary>
    public static List<KeyValuePair<string, OcciValue>> Read(JsonElement owner, string where)
    {
        var list = new List<KeyValuePair<string, OcciValue>>();
        if (!owner.TryGetProperty("attributes", out var attrs)) return list;
        if (attrs.ValueKind != JsonValueKind.Object)
            throw new OcciParseException($"{where}: 'attributes' must be an object, not {JsonRead.Describe(attrs)}");
        Flatten(null, attrs, list);
        return list;
    }

    private static void Flatten(string? prefix, JsonElement obj, List<KeyValuePair<string, OcciValue>> into)
    {
        foreach (var p in obj.EnumerateObject())
        {
            var name = prefix is null ? p.Name : prefix + "." + p.Name;
            if (p.Value.ValueKind == JsonValueKind.Object)
            {
                // An empty object is neither a value nor a legacy path to one.
                if (!p.Value.EnumerateObject().Any())
                    throw new OcciParseException($"attribute '{name}': object values are not supported");
                Flatten(name, p.Value, into);
            }
            else
                into.Add(new(name, JsonValues.ReadValue(name, p.Value)));
        }
    }

    /// <summary>Adds <paramref name="name"/> = <paramref name="value"/> taken from a member unless the
    /// attributes already hold it; the two places must agree (docs/conformance.md: differ → 400).
    /// Member-derived attributes go first, in the order merged, so occi.core.id leads.</summary>
    public static void Merge(List<KeyValuePair<string, OcciValue>> attrs, ref int insertAt,
        string member, string name, string? value)
    {
        if (value is null) return;
        var v = OcciValue.Str(value);
        if (Check(attrs, member, name, v)) return;
        attrs.Insert(insertAt++, new(name, v));
    }

    /// <summary>True when <paramref name="name"/> is present with the same value; throws when it is
    /// present with a different one; false when absent.</summary>
    public static bool Check(List<KeyValuePair<string, OcciValue>> attrs, string member, string name, OcciValue v)
    {
        var found = false;
        foreach (var (n, existing) in attrs)
        {
            if (n != name) continue;
            if (!existing.SameAs(v))
                throw new OcciParseException(
                    $"'{member}' (\"{v}\") and attribute {name} (\"{existing}\") differ");
            found = true;
        }
        return found;
    }
}
