using System.Text.Json;
using OcciAgent.Occi.Model;

namespace OcciAgent.Occi.Rendering.Json;

/// <summary>Reads resource/link objects (GFD.226 §3.1) and action invocations (§3.1.1) into an
/// <see cref="OcciDocument"/>: the kind first, then the mixins (as text lists them, GFD.229 §5.1).</summary>
internal static class JsonEntityReader
{
    // GFD.226 schema members (additionalProperties false), plus "location" and "rel": rOCCI and the
    // schema's undocumented link "rel" put them there, and they are harmless to ignore.
    private static readonly HashSet<string> EntityMembers =
        ["kind", "mixins", "id", "title", "summary", "attributes", "actions", "links", "source", "target", "location", "rel"];
    private static readonly HashSet<string> LinkMembers =
        ["kind", "mixins", "id", "title", "attributes", "actions", "source", "target", "location", "rel"];
    private static readonly HashSet<string> EndMembers = ["location", "kind"];
    private static readonly HashSet<string> ActionMembers = ["action", "attributes"];

    /// <summary>A resource or link object. "actions" is server-computed and ignored on input.</summary>
    public static void ReadEntity(JsonElement obj, OcciDocument doc, string where = "entity")
    {
        JsonRead.CheckMembers(obj, EntityMembers, where);
        doc.Categories.Add(JsonRead.Category(JsonRead.RequireString(obj, "kind", where), "kind", $"{where}: 'kind'"));
        foreach (var m in JsonRead.StringArray(obj, "mixins", where))
            doc.Categories.Add(JsonRead.Category(m, "mixin", $"{where}: 'mixins'"));

        var attrs = JsonAttributeReader.Read(obj, where);
        var at = 0;
        JsonAttributeReader.Merge(attrs, ref at, "id", AttributeNames.Id, JsonRead.OptString(obj, "id", where));
        JsonAttributeReader.Merge(attrs, ref at, "title", AttributeNames.Title, JsonRead.OptString(obj, "title", where));
        JsonAttributeReader.Merge(attrs, ref at, "summary", AttributeNames.Summary, JsonRead.OptString(obj, "summary", where));
        // A link entity (POST /networkinterface/): source/target objects map to the core attributes.
        // source.kind is not mapped: occi.core.source.kind is server-managed (immutable).
        if (ReadEnd(obj, "source", where) is { } src)
            JsonAttributeReader.Merge(attrs, ref at, "source.location", AttributeNames.Source, src.Location);
        if (ReadEnd(obj, "target", where) is { } tgt)
        {
            JsonAttributeReader.Merge(attrs, ref at, "target.location", AttributeNames.Target, tgt.Location);
            JsonAttributeReader.Merge(attrs, ref at, "target.kind", AttributeNames.TargetKind, tgt.Kind);
        }
        doc.Attributes.AddRange(attrs);

        if (obj.TryGetProperty("links", out var links))
        {
            if (links.ValueKind != JsonValueKind.Array)
                throw new OcciParseException($"{where}: 'links' must be an array, not {JsonRead.Describe(links)}");
            var i = 0;
            foreach (var link in links.EnumerateArray())
                doc.Links.Add(ReadInlineLink(JsonRead.RequireObject(link, $"{where}: links[{i}]"), $"{where}: links[{i++}]"));
        }
    }

    /// <summary>A link inside a resource (GFD.226 §3.1). Its "source" is ignored: it is the
    /// resource being written, which may not have a location yet (GFD.226 §3.1 leaves it open; docs/conformance.md).</summary>
    private static LinkRendering ReadInlineLink(JsonElement obj, string where)
    {
        JsonRead.CheckMembers(obj, LinkMembers, where);
        var categories = new List<string>();
        // kind is required by the schema but optional here: the HTTP layer can infer it from the
        // target, as it does for text Link values without a category.
        if (JsonRead.OptString(obj, "kind", where) is { } kind)
        {
            JsonRead.Split(kind, $"{where}: 'kind'");
            categories.Add(kind);
        }
        categories.AddRange(JsonRead.TypeIds(obj, "mixins", where));
        ReadEnd(obj, "source", where); // shape-checked, value ignored
        var (target, targetKind) = ReadEnd(obj, "target", where)
            ?? throw new OcciParseException($"{where}: missing 'target' (with 'location')");

        var attrs = JsonAttributeReader.Read(obj, where);
        JsonAttributeReader.Check(attrs, "target.location", AttributeNames.Target, OcciValue.Str(target));
        var at = 0;
        JsonAttributeReader.Merge(attrs, ref at, "id", AttributeNames.Id, JsonRead.OptString(obj, "id", where));
        JsonAttributeReader.Merge(attrs, ref at, "title", AttributeNames.Title, JsonRead.OptString(obj, "title", where));
        return new LinkRendering(target)
        {
            Rel = targetKind is null ? [] : [targetKind],
            Self = JsonRead.OptString(obj, "location", where),
            Categories = categories,
            Attributes = attrs,
        };
    }

    /// <summary>source/target: {"location": string (1), "kind": string (0..1)}.</summary>
    private static (string Location, string? Kind)? ReadEnd(JsonElement obj, string member, string where)
    {
        if (!obj.TryGetProperty(member, out var e)) return null;
        var at = $"{where}: '{member}'";
        JsonRead.RequireObject(e, at);
        JsonRead.CheckMembers(e, EndMembers, at);
        var location = JsonRead.RequireString(e, "location", at);
        var kind = JsonRead.OptString(e, "kind", at);
        if (kind is not null) JsonRead.Split(kind, $"{at}.kind");
        return (location, kind);
    }

    /// <summary>{"action": type id, "attributes": {parameters}} (GFD.226 §3.1.1).</summary>
    public static void ReadActionInvocation(JsonElement obj, OcciDocument doc)
    {
        const string where = "action invocation";
        JsonRead.CheckMembers(obj, ActionMembers, where);
        doc.Categories.Add(JsonRead.Category(JsonRead.RequireString(obj, "action", where), "action", $"{where}: 'action'"));
        doc.Attributes.AddRange(JsonAttributeReader.Read(obj, where));
    }
}
