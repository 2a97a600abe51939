using System.Text.Json;

namespace OcciAgent.Occi.Rendering.Json;

/// <summary>Parses GFD.226 request bodies (headers are ignored: JSON carries everything in the
/// body). Recognised documents, by their top-level members:
/// <list type="bullet">
/// <item>"kind": a resource or link object (§3.1);</item>
/// <item>"action": an action invocation (§3.1.1);</item>
/// <item>"term"/"scheme": one mixin object (§3.2.2, user mixin creation);</item>
/// <item>"mixins": mixin objects or type identifiers (GFD.226 §3.1);</item>
/// <item>"resources"/"links": entities, or references to them (GFD.226 §3.3; docs/conformance.md);</item>
/// <item>a top-level array of URL strings: a location list (rOCCI-core 5).</item>
/// </list></summary>
public sealed class JsonParser : IOcciParser
{
    private static readonly JsonDocumentOptions Options = new()
    {
        // Two "attributes" (or two "kind") members would make the request ambiguous.
        AllowDuplicateProperties = false,
        MaxDepth = 32,
    };

    private static readonly HashSet<string> RefMembers = ["id", "kind", "location"];

    public OcciDocument Parse(IReadOnlyList<KeyValuePair<string, string>> headers, string body)
    {
        var doc = new OcciDocument();
        if (string.IsNullOrWhiteSpace(body)) return doc;

        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(body, Options);
        }
        catch (JsonException e)
        {
            throw new OcciParseException($"invalid JSON: {e.Message}");
        }
        using (json)
        {
            var root = json.RootElement;
            switch (root.ValueKind)
            {
                case JsonValueKind.Array: ReadItems(root, "document", doc); break;
                case JsonValueKind.Object: ReadObject(root, doc); break;
                default: throw new OcciParseException($"expected a JSON object or array, not {JsonRead.Describe(root)}");
            }
        }
        return doc;
    }

    private static void ReadObject(JsonElement root, OcciDocument doc)
    {
        if (JsonRead.Has(root, "kind")) { JsonEntityReader.ReadEntity(root, doc); return; }
        if (JsonRead.Has(root, "action")) { JsonEntityReader.ReadActionInvocation(root, doc); return; }
        if (JsonRead.Has(root, "term") || JsonRead.Has(root, "scheme"))
        {
            doc.Categories.Add(JsonCategoryReader.ReadMixin(root));
            return;
        }

        var hasMixins = JsonRead.Has(root, "mixins");
        foreach (var p in root.EnumerateObject())
        {
            switch (p.Name)
            {
                case "mixins":
                    JsonCategoryReader.ReadMixins(p.Value, doc);
                    break;
                case "resources" or "links" when !hasMixins:
                    ReadItems(p.Value, p.Name, doc);
                    break;
                case "resources" or "links":
                    throw new OcciParseException($"'mixins' and '{p.Name}' cannot be combined in one document");
                case "kinds" or "actions":
                    // Only mixins can be defined by clients (GFD.221 §5.5.3); kinds and actions are fixed.
                    throw new OcciParseException($"'{p.Name}' cannot be sent to the server; only mixins can be defined");
                default:
                    throw new OcciParseException($"unknown member '{p.Name}' (expected kind, action, mixins, resources or links)");
            }
        }
    }

    /// <summary>Items of "resources"/"links" or of a top-level array: URL strings become Locations;
    /// objects with only id/kind/location become EntityRefs (or Locations when they carry a
    /// location); full entity objects fill the document itself, then <see cref="OcciDocument.MoreEntities"/>.</summary>
    private static void ReadItems(JsonElement array, string name, OcciDocument doc)
    {
        if (array.ValueKind != JsonValueKind.Array)
            throw new OcciParseException($"'{name}' must be an array, not {JsonRead.Describe(array)}");
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            var where = $"{name}[{i++}]";
            switch (item.ValueKind)
            {
                case JsonValueKind.String:
                    doc.Locations.Add(item.GetString()!);
                    break;
                case JsonValueKind.Object when IsReference(item):
                    if (JsonRead.OptString(item, "location", where) is { } location)
                        doc.Locations.Add(location);
                    else
                        doc.EntityRefs.Add(new EntityRef(CheckedKind(item, where), JsonRead.RequireString(item, "id", where)));
                    break;
                case JsonValueKind.Object when doc.Categories.Count == 0:
                    JsonEntityReader.ReadEntity(item, doc, where);
                    break;
                case JsonValueKind.Object:
                    var more = new OcciDocument();
                    JsonEntityReader.ReadEntity(item, more, where);
                    doc.MoreEntities.Add(more);
                    break;
                default:
                    throw new OcciParseException($"{where} must be a URL string or an entity object, not {JsonRead.Describe(item)}");
            }
        }
    }

    /// <summary>A reference names an entity and nothing else: members ⊆ {id, kind, location},
    /// with an id or a location. {"kind": ..} alone is a (minimal) entity to create.</summary>
    private static bool IsReference(JsonElement item)
    {
        var any = false;
        foreach (var p in item.EnumerateObject())
        {
            if (!RefMembers.Contains(p.Name)) return false;
            any |= p.Name is "id" or "location";
        }
        return any;
    }

    private static string? CheckedKind(JsonElement item, string where)
    {
        var kind = JsonRead.OptString(item, "kind", where);
        if (kind is not null) JsonRead.Split(kind, $"{where}: 'kind'");
        return kind;
    }
}
