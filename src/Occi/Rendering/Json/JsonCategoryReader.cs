using System.Text.Json;

namespace OcciAgent.Occi.Rendering.Json;

/// <summary>Reads user mixin definitions (GFD.226 §3.2.2; POST/DELETE /-/, GFD.223 §9.3, §9.4) and
/// rOCCI-server's "category identifiers" document <c>{"mixins":["type id", ...]}</c>.</summary>
internal static class JsonCategoryReader
{
    private static readonly HashSet<string> MixinMembers =
        ["term", "scheme", "title", "location", "depends", "applies", "attributes", "actions"];
    private static readonly HashSet<string> DescriptionMembers =
        ["mutable", "required", "type", "pattern", "default", "description"];

    /// <summary>The value of a "mixins" member: objects are definitions, strings type identifiers.</summary>
    public static void ReadMixins(JsonElement array, OcciDocument doc)
    {
        if (array.ValueKind != JsonValueKind.Array)
            throw new OcciParseException($"'mixins' must be an array, not {JsonRead.Describe(array)}");
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            var where = $"mixins[{i++}]";
            doc.Categories.Add(item.ValueKind switch
            {
                JsonValueKind.Object => ReadMixin(item, where),
                JsonValueKind.String => JsonRead.Category(item.GetString()!, "mixin", where),
                _ => throw new OcciParseException($"{where} must be a mixin object or a type identifier, not {JsonRead.Describe(item)}"),
            });
        }
    }

    /// <summary>One mixin object. Rel = depends ++ applies, the slot the text rendering's
    /// <c>rel</c> fills; term + scheme alone suffice for DELETE (docs/conformance.md).</summary>
    public static CategoryRendering ReadMixin(JsonElement obj, string where = "mixin")
    {
        JsonRead.CheckMembers(obj, MixinMembers, where);
        var term = JsonRead.RequireString(obj, "term", where);
        var scheme = JsonRead.RequireString(obj, "scheme", where);
        return new CategoryRendering(term, scheme, "mixin")
        {
            Title = JsonRead.OptString(obj, "title", where),
            Location = JsonRead.OptString(obj, "location", where),
            Rel = [.. JsonRead.TypeIds(obj, "depends", where), .. JsonRead.TypeIds(obj, "applies", where)],
            Attributes = ReadDescriptions(obj, where),
            Actions = JsonRead.TypeIds(obj, "actions", where),
        };
    }

    /// <summary>Attribute descriptions (GFD.226 §3.5.1). Absent "mutable" means false (immutable).
    /// pattern/default/type are not kept by <see cref="AttributeDef"/>; a string pattern
    /// (rOCCI-core 5) is therefore accepted as well as a JSON Schema object (GFD.226 §3.5.1).</summary>
    private static List<AttributeDef> ReadDescriptions(JsonElement obj, string where)
    {
        var list = new List<AttributeDef>();
        if (!obj.TryGetProperty("attributes", out var attrs)) return list;
        JsonRead.RequireObject(attrs, $"{where}: 'attributes'");
        foreach (var p in attrs.EnumerateObject())
        {
            var at = $"{where}: attribute '{p.Name}'";
            JsonRead.RequireObject(p.Value, at);
            JsonRead.CheckMembers(p.Value, DescriptionMembers, at);
            list.Add(new AttributeDef(p.Name,
                Immutable: !JsonRead.OptBool(p.Value, "mutable", at),
                Required: JsonRead.OptBool(p.Value, "required", at)));
        }
        return list;
    }
}
