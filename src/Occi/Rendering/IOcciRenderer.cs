namespace OcciAgent.Occi.Rendering;

/// <summary>One response rendering per media type (GFD.229, GFD.226). Locations in views are
/// relative paths; <c>baseUrl</c> (scheme://authority, no trailing '/') makes the absolute URLs
/// used in Location / X-OCCI-Location / text/uri-list (GFD.223 §4; docs/conformance.md).</summary>
public interface IOcciRenderer
{
    /// <summary>The media type written in Content-Type.</summary>
    string MediaType { get; }

    /// <summary>True when collections render whole entities (JSON, GFD.226 §3.3); text
    /// renderings list locations only, so the caller can skip building full views.</summary>
    bool CollectionsCarryEntities => false;

    /// <summary>Why this rendering cannot express an answer of this shape; null when it can.
    /// Asked before a request acts, so a refusal never follows a change.</summary>
    string? Refusal(ResponseShape shape) => null;

    /// <summary>GET entity, update, action responses.</summary>
    OcciOutput Entity(EntityView entity, string baseUrl);

    /// <summary>GET on a kind/mixin collection or unbound path; mixin association/PUT responses.
    /// Text: X-OCCI-Location per entity; JSON: full entity objects.</summary>
    OcciOutput Collection(IReadOnlyList<EntityView> entities, CollectionShape shape, string baseUrl);

    /// <summary>Query interface and other category renderings (user mixin creation, save).</summary>
    OcciOutput Categories(CategoryCollection categories);

    /// <summary>201 Created body: the location rendering (text) or the created entity (JSON).</summary>
    OcciOutput Created(EntityView entity, string baseUrl);

    /// <summary>Success without a rendering (DELETE): empty body, or <c>OK</c> for text/occi.</summary>
    OcciOutput Ok();

    /// <summary>Error body with a short message (docs/conformance.md).</summary>
    OcciOutput Error(int status, string message);
}

/// <summary>The kinds of answer a renderer produces (one per <see cref="IOcciRenderer"/> method).</summary>
public enum ResponseShape { Entity, Collection, Categories, Created, Ok }

/// <summary>One request parser per media type. <paramref name="headers"/> are all request
/// headers (text/occi reads only them, GFD.229 §7); <paramref name="body"/> is the body as text.</summary>
public interface IOcciParser
{
    OcciDocument Parse(IReadOnlyList<KeyValuePair<string, string>> headers, string body);
}
