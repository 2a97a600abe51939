using System.Text.Json;
using OcciAgent.Occi.Model;

namespace OcciAgent.Occi.Rendering.Json;

/// <summary>Writes resource and link objects (GFD.226 §3.1) and entity collections
/// (GFD.226 §3.3).</summary>
internal static class JsonEntityWriter
{
    /// <summary>Member order follows GFD.226's tables as rOCCI emits them: kind, mixins, id, title,
    /// summary, attributes, actions, then links (resources) or source/target (links). No
    /// <c>location</c> member: the schema forbids it (additionalProperties false); clients derive
    /// the URL as kind location + id (docs/conformance.md).</summary>
    public static void WriteEntity(Utf8JsonWriter w, EntityView view)
    {
        w.WriteStartObject();
        w.WriteString("kind", view.Kind.Id);
        JsonValues.WriteNonEmptyArray(w, "mixins", view.Mixins.Select(m => m.Id));
        w.WriteString("id", view.Id);
        if (Find(view, AttributeNames.Title) is { } title)
            w.WriteString("title", title.ToInvariantString());
        if (!view.IsLink && Find(view, AttributeNames.Summary) is { } summary)
            w.WriteString("summary", summary.ToInvariantString());

        // Always present (rOCCI-core 5 schema requires it) and complete: the core attributes are
        // repeated here as well as in the members above (docs/conformance.md).
        w.WriteStartObject("attributes");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, value) in view.Attributes)
            if (seen.Add(name)) JsonValues.WriteValue(w, name, value); // a repeated name would be invalid JSON
        w.WriteEndObject();

        JsonValues.WriteNonEmptyArray(w, "actions", view.Actions.Select(a => a.Id));

        if (view.IsLink)
        {
            WriteEnd(w, "source", view.Source, view.SourceKind);
            WriteEnd(w, "target", view.Target, view.TargetKind);
        }
        else if (view.Links.Count > 0)
        {
            w.WriteStartArray("links");
            foreach (var link in view.Links) WriteEntity(w, link);
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    /// <summary>Link source/target: {"location": string (1), "kind": string (0..1)} (GFD.226 §3.1).
    /// A stored link always has both ends; "" only keeps the required member if one is missing.</summary>
    private static void WriteEnd(Utf8JsonWriter w, string member, string? location, string? kind)
    {
        w.WriteStartObject(member);
        w.WriteString("location", location ?? "");
        if (kind is not null) w.WriteString("kind", kind);
        w.WriteEndObject();
    }

    private static OcciValue? Find(EntityView view, string name)
    {
        foreach (var (n, v) in view.Attributes)
            if (n == name) return v;
        return view.Entity.Get(name);
    }

    /// <summary>{"resources":[...]} and/or {"links":[...]}. A key is written when it has items, or
    /// when the collection is empty and the shape names it; a mixed collection (mixin collection,
    /// '/') always carries both keys so clients need not special-case a missing one.</summary>
    public static void WriteCollection(Utf8JsonWriter w, IReadOnlyList<EntityView> entities, CollectionShape shape)
    {
        var resources = entities.Where(e => !e.IsLink).ToList();
        var links = entities.Where(e => e.IsLink).ToList();
        var empty = entities.Count == 0;
        w.WriteStartObject();
        if (resources.Count > 0 || shape == CollectionShape.Mixed || (empty && shape == CollectionShape.Resources))
            WriteArray(w, "resources", resources);
        if (links.Count > 0 || shape == CollectionShape.Mixed || (empty && shape == CollectionShape.Links))
            WriteArray(w, "links", links);
        w.WriteEndObject();
    }

    private static void WriteArray(Utf8JsonWriter w, string name, List<EntityView> items)
    {
        w.WriteStartArray(name);
        foreach (var e in items) WriteEntity(w, e);
        w.WriteEndArray();
    }
}
