using System.Text.Json;
using OcciAgent.Occi.Model;

namespace OcciAgent.Occi.Rendering.Json;

/// <summary>Writes kind, mixin and action objects (GFD.226 §3.2) and attribute descriptions
/// (GFD.226 §3.2, §3.5.1). No <c>class</c> member: the array a category sits in
/// tells its class, and the schema sets additionalProperties false.</summary>
internal static class JsonCategoryWriter
{
    private const string SchemaDraft4 = "http://json-schema.org/draft-04/schema#";

    /// <summary>The query interface response = the schema's <c>model</c> object; all three keys
    /// always present (docs/conformance.md, as other servers do).</summary>
    public static void WriteModel(Utf8JsonWriter w, CategoryCollection c)
    {
        w.WriteStartObject();
        w.WriteStartArray("kinds");
        foreach (var k in c.Kinds) WriteKind(w, k);
        w.WriteEndArray();
        w.WriteStartArray("mixins");
        foreach (var m in c.Mixins) WriteMixin(w, m);
        w.WriteEndArray();
        w.WriteStartArray("actions");
        foreach (var a in c.Actions) WriteAction(w, a);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>Kind: the full (inherited) attribute set (GFD.221 §5.3.3); location is required
    /// for every kind except core#entity, which has none (GFD.226 §3.2.1).</summary>
    public static void WriteKind(Utf8JsonWriter w, Kind k)
    {
        w.WriteStartObject();
        WriteHead(w, k);
        WriteAttributes(w, k.AllAttributes);
        JsonValues.WriteNonEmptyArray(w, "actions", k.Actions.Select(a => a.Id));
        if (k.Parent is not null) w.WriteString("parent", k.Parent.Id);
        if (k.Location is not null) w.WriteString("location", k.Location);
        w.WriteEndObject();
    }

    /// <summary>Mixin: own attributes only (depends carries the rest); location required (GFD.226 §3.2.2).</summary>
    public static void WriteMixin(Utf8JsonWriter w, Mixin m)
    {
        w.WriteStartObject();
        WriteHead(w, m);
        WriteAttributes(w, m.Attributes);
        JsonValues.WriteNonEmptyArray(w, "actions", m.Actions.Select(a => a.Id));
        JsonValues.WriteNonEmptyArray(w, "depends", m.Depends.Select(d => d.Id));
        JsonValues.WriteNonEmptyArray(w, "applies", m.Applies.Select(a => a.Id));
        w.WriteString("location", m.Location);
        w.WriteEndObject();
    }

    /// <summary>Action: its parameters are its attributes (GFD.226 §3.2.3).</summary>
    public static void WriteAction(Utf8JsonWriter w, OcciAction a)
    {
        w.WriteStartObject();
        WriteHead(w, a);
        WriteAttributes(w, a.Parameters);
        w.WriteEndObject();
    }

    private static void WriteHead(Utf8JsonWriter w, Category c)
    {
        w.WriteString("term", c.Term);
        w.WriteString("scheme", c.Scheme);
        if (c.Title is not null) w.WriteString("title", c.Title);
    }

    /// <summary>Name → description object; omitted when empty. A name defined twice (a kind
    /// redefining an inherited attribute) keeps its first position and its last definition, since
    /// duplicate JSON member names are not interoperable.</summary>
    private static void WriteAttributes(Utf8JsonWriter w, IEnumerable<AttributeSpec> specs)
    {
        var order = new List<string>();
        var byName = new Dictionary<string, AttributeSpec>(StringComparer.Ordinal);
        foreach (var s in specs)
        {
            if (!byName.ContainsKey(s.Name)) order.Add(s.Name);
            byName[s.Name] = s;
        }
        if (order.Count == 0) return;
        w.WriteStartObject("attributes");
        foreach (var name in order)
        {
            w.WritePropertyName(name);
            WriteDescription(w, byName[name]);
        }
        w.WriteEndObject();
    }

    /// <summary>GFD.226 §3.5.1: mutable defaults to false when absent, so mutable and required are
    /// always explicit (rOCCI-core 5 requires them too). Integer and Float are both JSON
    /// <c>number</c>; the pattern (a draft-04 JSON Schema) tells integers apart (GFD.226 §3.5.1).</summary>
    public static void WriteDescription(Utf8JsonWriter w, AttributeSpec s)
    {
        w.WriteStartObject();
        w.WriteBoolean("mutable", s.Mutable);
        w.WriteBoolean("required", s.Required);
        w.WriteString("type", s.Type switch
        {
            AttrType.Integer or AttrType.Float => "number",
            AttrType.Boolean => "boolean",
            _ => "string",
        });

        w.WriteStartObject("pattern");
        w.WriteString("$schema", SchemaDraft4);
        w.WriteString("type", s.Type switch
        {
            AttrType.Integer => "integer",
            AttrType.Float => "number",
            AttrType.Boolean => "boolean",
            _ => "string",
        });
        if (s.Enum is { Count: > 0 } values) JsonValues.WriteNonEmptyArray(w, "enum", values);
        if (s.Minimum is { } min) w.WriteNumber("minimum", min);
        // Draft-04 form: a boolean modifier of "minimum" (draft-06 made it a number).
        if (s.Minimum is not null && s.ExclusiveMinimum) w.WriteBoolean("exclusiveMinimum", true);
        if (s.Maximum is { } max) w.WriteNumber("maximum", max);
        if (s.Regex is not null) w.WriteString("pattern", s.Regex);
        w.WriteEndObject();

        // "default" MUST have the declared type (GFD.226 §3.5.1); the catalog's defaults do.
        if (s.Default is { } d) JsonValues.WriteValue(w, "default", d);
        if (s.Description is not null) w.WriteString("description", s.Description);
        w.WriteEndObject();
    }
}
