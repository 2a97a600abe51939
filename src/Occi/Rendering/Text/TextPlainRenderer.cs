using System.Text;

namespace OcciAgent.Occi.Rendering.Text;

/// <summary>Response renderer for <c>text/plain</c> (GFD.229 §6): every structure is one body
/// line <c>Name: value</c> terminated by CRLF, nothing else in the body (GFD.229 §6).</summary>
public sealed class TextPlainRenderer : IOcciRenderer
{
    public string MediaType => "text/plain";

    public OcciOutput Entity(EntityView entity, string baseUrl) => Body(TextStructureWriter.Entity(entity));

    public OcciOutput Collection(IReadOnlyList<EntityView> entities, CollectionShape shape, string baseUrl) =>
        Body(TextStructureWriter.Locations(entities, baseUrl));

    public OcciOutput Categories(CategoryCollection categories) => Body(TextStructureWriter.Categories(categories));

    public OcciOutput Created(EntityView entity, string baseUrl) =>
        Body(TextStructureWriter.Locations([entity], baseUrl));

    public OcciOutput Ok() => new(MediaType, [], "");

    public OcciOutput Error(int status, string message) => new(MediaType, [], message + "\r\n");

    private OcciOutput Body(List<TextField> fields)
    {
        var sb = new StringBuilder();
        foreach (var f in fields) sb.Append(f.Name).Append(": ").Append(f.Value).Append("\r\n");
        return new OcciOutput(MediaType, [], sb.ToString());
    }
}
