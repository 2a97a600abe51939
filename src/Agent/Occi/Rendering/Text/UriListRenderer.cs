using System.Text;

namespace OcciAgent.Occi.Rendering.Text;

/// <summary>Response renderer for <c>text/uri-list</c> (RFC 2483, GFD.229 §8): only listings.
/// Absolute URLs, one per CRLF-terminated line, no comments (digest §4.6). A non-listing cannot
/// be expressed and must become 400 (S93), hence <see cref="OcciRenderException"/>.</summary>
public sealed class UriListRenderer : IOcciRenderer
{
    public string MediaType => "text/uri-list";

    public OcciOutput Entity(EntityView entity, string baseUrl) =>
        throw new OcciRenderException("text/uri-list can only render collections, not an entity");

    public OcciOutput Collection(IReadOnlyList<EntityView> entities, CollectionShape shape, string baseUrl) =>
        Lines(entities.Select(e => TextFormat.Absolute(baseUrl, e.Location)));

    public OcciOutput Categories(CategoryCollection categories) =>
        throw new OcciRenderException("text/uri-list cannot render categories; use text/plain, text/occi or application/occi+json");

    public OcciOutput Created(EntityView entity, string baseUrl) => Lines([TextFormat.Absolute(baseUrl, entity.Location)]);

    public OcciOutput Ok() => new(MediaType, [], "");

    /// <summary>A message is not a URI list; it is sent as text/plain so no client reads it as a URI.</summary>
    public OcciOutput Error(int status, string message) => new("text/plain", [], message + "\r\n");

    private OcciOutput Lines(IEnumerable<string> uris)
    {
        var sb = new StringBuilder();
        foreach (var u in uris) sb.Append(u).Append("\r\n");
        return new OcciOutput(MediaType, [], sb.ToString());
    }
}
