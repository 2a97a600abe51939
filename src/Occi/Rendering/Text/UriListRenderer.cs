using System.Text;

namespace OcciAgent.Occi.Rendering.Text;

/// <summary>Response renderer for <c>text/uri-list</c> (RFC 2483, GFD.229 §8): only listings.
/// Absolute URLs, one per CRLF-terminated line, no comments (GFD.229 §8, RFC 2483). A non-listing cannot
/// be expressed and must become 400 (GFD.229 §8), hence <see cref="OcciRenderException"/>.</summary>
public sealed class UriListRenderer : IOcciRenderer
{
    public string MediaType => "text/uri-list";

    private const string NoEntity = "text/uri-list can only render collections, not an entity; use text/plain, text/occi or application/occi+json";
    private const string NoCategories = "text/uri-list cannot render categories; use text/plain, text/occi or application/occi+json";

    public string? Refusal(ResponseShape shape) => shape switch
    {
        ResponseShape.Entity => NoEntity,
        ResponseShape.Categories => NoCategories,
        _ => null,
    };

    public OcciOutput Entity(EntityView entity, string baseUrl) => throw new OcciRenderException(NoEntity);

    public OcciOutput Collection(IReadOnlyList<EntityView> entities, CollectionShape shape, string baseUrl) =>
        Lines(entities.Select(e => TextFormat.Absolute(baseUrl, e.Location)));

    public OcciOutput Categories(CategoryCollection categories) => throw new OcciRenderException(NoCategories);

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
