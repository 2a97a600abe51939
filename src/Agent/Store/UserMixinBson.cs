using LiteDB;

namespace OcciAgent.Store;

/// <summary>Hand-written UserMixinRecord &lt;-&gt; BsonDocument mapping (no BsonMapper, see
/// <see cref="EntityBson"/>). <c>_id</c> is the type identifier, so saving again replaces.</summary>
public static class UserMixinBson
{
    public static BsonDocument ToBson(UserMixinRecord m)
    {
        var doc = new BsonDocument
        {
            ["_id"] = m.Id,
            ["scheme"] = m.Scheme,
            ["term"] = m.Term,
            ["location"] = m.Location,
            ["depends"] = new BsonArray(m.Depends.Select(d => new BsonValue(d))),
            ["applies"] = new BsonArray(m.Applies.Select(a => new BsonValue(a))),
        };
        if (m.Title is { } title) doc["title"] = title;
        return doc;
    }

    public static UserMixinRecord FromBson(BsonDocument doc) => new(
        doc["scheme"].AsString,
        doc["term"].AsString,
        doc.TryGetValue("title", out var title) && title.IsString ? title.AsString : null,
        doc["location"].AsString,
        [.. doc["depends"].AsArray.Select(d => d.AsString)],
        [.. doc["applies"].AsArray.Select(a => a.AsString)]);
}
