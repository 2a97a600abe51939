using LiteDB;

namespace OcciAgent.Store;

/// <summary>Hand-written HostIntent &lt;-&gt; BsonDocument mapping (no BsonMapper, see
/// <see cref="EntityBson"/>). <c>_id</c> is the entity id: one pending host change per entity,
/// which the per-entity request serialisation of EntityService guarantees.</summary>
public static class HostIntentBson
{
    public static BsonDocument ToBson(HostIntent i) => new()
    {
        ["_id"] = i.EntityId,
        ["op"] = i.Op switch
        {
            IntentOp.Create => "create",
            IntentOp.Delete => "delete",
            _ => throw new ArgumentOutOfRangeException(nameof(i), i.Op, "unknown intent"),
        },
        ["entity"] = EntityBson.ToBson(i.Entity),
    };

    public static HostIntent FromBson(BsonDocument doc) => new(
        doc["op"].AsString switch
        {
            "create" => IntentOp.Create,
            "delete" => IntentOp.Delete,
            var op => throw new InvalidDataException($"intent {doc["_id"]} has unknown operation '{op}'"),
        },
        EntityBson.FromBson(doc["entity"].AsDocument));
}
