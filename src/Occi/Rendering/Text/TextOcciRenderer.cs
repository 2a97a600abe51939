namespace OcciAgent.Occi.Rendering.Text;

/// <summary>Response renderer for <c>text/occi</c> (GFD.229 §7): the rendering goes into header
/// fields, one field per name with the values comma-separated (RECOMMENDED, GFD.229 §7); the body is
/// <c>OK</c> on success (GFD.229 §7). Values are quoted where they contain separators (GFD.229 §7), so our own
/// parser splits them back correctly; rOCCI 4 splits on every comma (docs/conformance.md).</summary>
public sealed class TextOcciRenderer : IOcciRenderer
{
    private const string OkBody = "OK";

    public string MediaType => "text/occi";

    public OcciOutput Entity(EntityView entity, string baseUrl) => Headers(TextStructureWriter.Entity(entity));

    public OcciOutput Collection(IReadOnlyList<EntityView> entities, CollectionShape shape, string baseUrl) =>
        Headers(TextStructureWriter.Locations(entities, baseUrl));

    public OcciOutput Categories(CategoryCollection categories) => Headers(TextStructureWriter.Categories(categories));

    public OcciOutput Created(EntityView entity, string baseUrl) =>
        Headers(TextStructureWriter.Locations([entity], baseUrl));

    public OcciOutput Ok() => new(MediaType, [], OkBody);

    /// <summary>docs/conformance.md: the message in <c>X-OCCI-Error</c> (single line) and in the body.</summary>
    public OcciOutput Error(int status, string message) =>
        new(MediaType, [new(TextHeaders.Error, message.ReplaceLineEndings(" "))], message);

    /// <summary>Groups the fields by name in first-appearance order and joins each group with ", ".</summary>
    private OcciOutput Headers(List<TextField> fields)
    {
        var headers = fields
            .GroupBy(f => f.Name, StringComparer.Ordinal)
            .Select(g => new KeyValuePair<string, string>(g.Key, string.Join(", ", g.Select(f => f.Value))))
            .ToList();
        return new OcciOutput(MediaType, headers, OkBody);
    }
}
