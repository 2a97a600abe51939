using OcciAgent.Occi.Model;

namespace OcciAgent.Occi.Rendering;

/// <summary>An entity prepared for rendering: everything a renderer needs, already resolved and
/// ordered, so renderers stay pure formatting (no store, no catalog look-ups).</summary>
public sealed record EntityView(
    Entity Entity,
    Kind Kind,
    IReadOnlyList<Mixin> Mixins,
    /// <summary>Relative location, <c>/compute/&lt;id&gt;</c> (kind location + id, docs/conformance.md).</summary>
    string Location,
    /// <summary>Currently applicable actions (GFD.229 §5.1: action links; 1.1: only applicable).</summary>
    IReadOnlyList<OcciAction> Actions,
    /// <summary>All attribute values to render, in rendering order, occi.core.id first.</summary>
    IReadOnlyList<KeyValuePair<string, OcciValue>> Attributes,
    /// <summary>Outgoing links of a resource (empty for links).</summary>
    IReadOnlyList<EntityView> Links)
{
    public bool IsLink => Kind.IsLinkKind;
    public string Id => Entity.Id;
    /// <summary>For links: target location (relative when local) and target kind type identifier.</summary>
    public string? Target => Entity.Target;
    public string? TargetKind => Entity.GetString(AttributeNames.TargetKind);
    public string? Source => Entity.Source;
    public string? SourceKind => Entity.GetString(AttributeNames.SourceKind);
}

/// <summary>Which array a JSON entity collection uses when it is empty (GFD.226 §3.3).</summary>
public enum CollectionShape { Resources, Links, Mixed }

/// <summary>A category collection (query interface, GFD.223 §9): kinds, mixins, actions.</summary>
public sealed record CategoryCollection(
    IReadOnlyList<Kind> Kinds,
    IReadOnlyList<Mixin> Mixins,
    IReadOnlyList<OcciAction> Actions);

/// <summary>A rendered response: content type, extra headers (text/occi puts the whole rendering
/// there) and the body.</summary>
public sealed record OcciOutput(string ContentType, IReadOnlyList<KeyValuePair<string, string>> Headers, string Body);

/// <summary>The response cannot be expressed in this media type (e.g. a single entity as
/// text/uri-list → 400, GFD.229 §8).</summary>
public sealed class OcciRenderException(string message) : Exception(message);
