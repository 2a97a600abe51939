namespace OcciAgent.Occi.Rendering.Json;

/// <summary>The OCCI JSON rendering (GFD.226) for <c>application/occi+json</c> and its alias
/// <c>application/json</c> (GFD.226; docs/conformance.md: same output, only Content-Type differs).
/// Locations stay relative as in the views; JSON has no slot that needs absolute URLs.</summary>
public sealed class JsonRenderer : IOcciRenderer
{
    public const string OcciJson = "application/occi+json";
    public const string PlainJson = "application/json";

    public JsonRenderer(string mediaType = OcciJson)
    {
        if (mediaType is not (OcciJson or PlainJson))
            throw new ArgumentException($"not a JSON media type: {mediaType}", nameof(mediaType));
        MediaType = mediaType;
    }

    public string MediaType { get; }

    /// <summary>GFD.226 §3.3: entity collections are arrays of full entity objects.</summary>
    public bool CollectionsCarryEntities => true;

    public OcciOutput Entity(EntityView entity, string baseUrl) =>
        Output(JsonValues.Write(w => JsonEntityWriter.WriteEntity(w, entity)));

    public OcciOutput Collection(IReadOnlyList<EntityView> entities, CollectionShape shape, string baseUrl) =>
        Output(JsonValues.Write(w => JsonEntityWriter.WriteCollection(w, entities, shape)));

    public OcciOutput Categories(CategoryCollection categories) =>
        Output(JsonValues.Write(w => JsonCategoryWriter.WriteModel(w, categories)));

    /// <summary>201 body: the created entity object (GFD.226 §3.3: JSON has no location list).</summary>
    public OcciOutput Created(EntityView entity, string baseUrl) => Entity(entity, baseUrl);

    public OcciOutput Ok() => Output("");

    /// <summary>rOCCI-server's error shape {"status": n, "error": "..."} (docs/conformance.md).</summary>
    public OcciOutput Error(int status, string message) =>
        Output(JsonValues.Write(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("status", status);
            w.WriteString("error", message);
            w.WriteEndObject();
        }));

    private OcciOutput Output(string body) => new(MediaType, [], body);
}
