using OcciAgent.Occi.Model;

namespace OcciAgent.Occi.Rendering;

/// <summary>One attribute definition as written in a text Category's <c>attributes="..."</c>
/// (GFD.229 §4.1 attribute-def) or derived from a JSON attribute description.</summary>
public sealed record AttributeDef(string Name, bool Immutable, bool Required);

/// <summary>A Category value as a client sent it (GFD.229 §4.1 / GFD.226 §3.2). Only term and
/// scheme are always present; <see cref="Class"/> may be missing (1.1 clients, docs/conformance.md).</summary>
public sealed record CategoryRendering(string Term, string Scheme, string? Class)
{
    public string Id => Scheme + Term;
    public string? Title { get; init; }
    /// <summary>Text <c>rel</c> (space-separated type identifiers), or JSON depends + applies / parent.</summary>
    public IReadOnlyList<string> Rel { get; init; } = [];
    public string? Location { get; init; }
    public IReadOnlyList<AttributeDef> Attributes { get; init; } = [];
    public IReadOnlyList<string> Actions { get; init; } = [];
}

/// <summary>A Link value (GFD.229 §4.1 Link) or a JSON link object inside a resource
/// (GFD.226 §3.1). <see cref="Target"/> is the &lt;URI-reference&gt; (JSON: target.location),
/// <see cref="Rel"/> the target kind(s), <see cref="Categories"/> the link kind then its mixins.</summary>
public sealed record LinkRendering(string Target)
{
    public IReadOnlyList<string> Rel { get; init; } = [];
    public string? Self { get; init; }
    public IReadOnlyList<string> Categories { get; init; } = [];
    public IReadOnlyList<KeyValuePair<string, OcciValue>> Attributes { get; init; } = [];
}

/// <summary>An entity named by id (and kind) instead of a location: JSON association bodies
/// (GFD.226 §3.3) carry <c>{"resources":[{"kind":..,"id":..}]}</c>.</summary>
public sealed record EntityRef(string? KindId, string Id);

/// <summary>Everything a request rendering said, independent of its media type. The HTTP layer
/// interprets it by context (entity creation, partial update, action invocation, mixin
/// association, user mixin definition, filter).</summary>
public sealed class OcciDocument
{
    /// <summary>Categories in order (an entity rendering lists its kind first, GFD.229 §5.1).</summary>
    public List<CategoryRendering> Categories { get; } = [];
    public List<LinkRendering> Links { get; } = [];
    /// <summary>Attributes in order; a name may repeat (validation rejects duplicates).</summary>
    public List<KeyValuePair<string, OcciValue>> Attributes { get; } = [];
    /// <summary>X-OCCI-Location values / text/uri-list lines / JSON URL strings, as sent.</summary>
    public List<string> Locations { get; } = [];
    public List<EntityRef> EntityRefs { get; } = [];
    /// <summary>JSON only: more entities after the first (a collection rendering, GFD.226 §3.3).</summary>
    public List<OcciDocument> MoreEntities { get; } = [];

    public bool IsEmpty => Categories.Count == 0 && Links.Count == 0 && Attributes.Count == 0
        && Locations.Count == 0 && EntityRefs.Count == 0 && MoreEntities.Count == 0;
}

/// <summary>A request rendering that does not parse. The message names the offending part and
/// becomes a 400 (GFD.223 §5.4).</summary>
public sealed class OcciParseException(string message) : Exception(message);
