using System.Text.Json;
using OcciAgent.Occi.Model;

namespace OcciAgent.Occi.Rendering.Json;

/// <summary>Small strict accessors over JsonElement. Every failure is an OcciParseException whose
/// message names the member (and the object it sits in), because it becomes the 400 body.</summary>
internal static class JsonRead
{
    /// <summary>Rejects members GFD.226's schema does not allow (additionalProperties false).</summary>
    public static void CheckMembers(JsonElement obj, IReadOnlySet<string> allowed, string where)
    {
        foreach (var p in obj.EnumerateObject())
            if (!allowed.Contains(p.Name))
                throw new OcciParseException($"{where}: unknown member '{p.Name}'");
    }

    public static bool Has(JsonElement obj, string name) => obj.TryGetProperty(name, out _);

    public static JsonElement RequireObject(JsonElement e, string where) =>
        e.ValueKind == JsonValueKind.Object ? e : throw new OcciParseException($"{where} must be a JSON object, not {Describe(e)}");

    public static string? OptString(JsonElement obj, string name, string where)
    {
        if (!obj.TryGetProperty(name, out var e)) return null;
        return e.ValueKind == JsonValueKind.String
            ? e.GetString()!
            : throw new OcciParseException($"{where}: '{name}' must be a string, not {Describe(e)}");
    }

    public static string RequireString(JsonElement obj, string name, string where) =>
        OptString(obj, name, where) ?? throw new OcciParseException($"{where}: missing '{name}'");

    public static bool OptBool(JsonElement obj, string name, string where)
    {
        if (!obj.TryGetProperty(name, out var e)) return false;
        return e.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new OcciParseException($"{where}: '{name}' must be true or false, not {Describe(e)}"),
        };
    }

    /// <summary>An optional array of strings (mixins, depends, applies, actions).</summary>
    public static List<string> StringArray(JsonElement obj, string name, string where)
    {
        var list = new List<string>();
        if (!obj.TryGetProperty(name, out var e)) return list;
        if (e.ValueKind != JsonValueKind.Array)
            throw new OcciParseException($"{where}: '{name}' must be an array of strings, not {Describe(e)}");
        foreach (var item in e.EnumerateArray())
            list.Add(item.ValueKind == JsonValueKind.String
                ? item.GetString()!
                : throw new OcciParseException($"{where}: '{name}' items must be strings, not {Describe(item)}"));
        return list;
    }

    /// <summary>An array of type identifiers, each checked to have the scheme#term form.</summary>
    public static List<string> TypeIds(JsonElement obj, string name, string where)
    {
        var ids = StringArray(obj, name, where);
        foreach (var id in ids) Split(id, $"{where}: '{name}'");
        return ids;
    }

    /// <summary>Type identifier → (scheme, term) (GFD.221 §5.3.1: the scheme ends with '#').</summary>
    public static (string Scheme, string Term) Split(string typeId, string where) =>
        Schemes.TrySplit(typeId, out var scheme, out var term)
            ? (scheme, term)
            : throw new OcciParseException($"{where}: '{typeId}' is not a type identifier (scheme#term)");

    public static CategoryRendering Category(string typeId, string cls, string where)
    {
        var (scheme, term) = Split(typeId, where);
        return new CategoryRendering(term, scheme, cls);
    }

    public static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.Null => "null",
        _ => "a boolean",
    };
}
