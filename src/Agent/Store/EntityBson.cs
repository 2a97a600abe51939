using System.Collections.Immutable;
using LiteDB;
using OcciAgent.Occi.Model;

namespace OcciAgent.Store;

/// <summary>Hand-written Entity &lt;-&gt; BsonDocument mapping. BsonMapper is reflection-based and
/// silently drops fields once trimmed (docs/host-notes.md, LiteDB under AOT), so nothing here uses it.
/// Shape: <c>{_id, kind, mixins: [..], attrs: {name: {t, v}}, source?, target?}</c>.</summary>
public static class EntityBson
{
    // Field names are also used by the index expressions in LiteDbEntityStore.
    internal const string Kind = "kind";
    internal const string Mixins = "mixins";
    internal const string Attrs = "attrs";
    internal const string Source = "source";
    internal const string Target = "target";

    public static BsonDocument ToBson(Entity e)
    {
        var attrs = new BsonDocument();
        foreach (var (name, value) in e.Attributes)
            attrs[name] = ValueToBson(value);

        var doc = new BsonDocument
        {
            ["_id"] = e.Id,
            [Kind] = e.KindId,
            [Mixins] = new BsonArray(e.Mixins.Select(m => new BsonValue(m))),
            [Attrs] = attrs,
        };
        // Denormalised copies so link look-ups use an index instead of scanning attrs.
        if (e.Source is { } source) doc[Source] = source;
        if (e.Target is { } target) doc[Target] = target;
        return doc;
    }

    public static Entity FromBson(BsonDocument doc)
    {
        var attrs = ImmutableSortedDictionary.CreateBuilder<string, OcciValue>(StringComparer.Ordinal);
        foreach (var (name, value) in doc[Attrs].AsDocument)
            attrs[name] = ValueFromBson(name, value.AsDocument);

        return new Entity(
            doc["_id"].AsString,
            doc[Kind].AsString,
            [.. doc[Mixins].AsArray.Select(m => m.AsString)],
            attrs.ToImmutable());
    }

    // The explicit tag keeps the OCCI value kind even where BSON would blur it
    // (a Float 2.0 must not come back as Integer 2, a Boolean is not 0/1).
    private static BsonDocument ValueToBson(OcciValue v) => v.Kind switch
    {
        ValueKind.String => new BsonDocument { ["t"] = "s", ["v"] = v.AsString },
        ValueKind.Integer => new BsonDocument { ["t"] = "i", ["v"] = new BsonValue(v.AsInteger) },
        ValueKind.Float => new BsonDocument { ["t"] = "f", ["v"] = new BsonValue(v.AsDouble) },
        ValueKind.Boolean => new BsonDocument { ["t"] = "b", ["v"] = v.AsBoolean },
        _ => throw new ArgumentOutOfRangeException(nameof(v), v.Kind, "unknown OCCI value kind"),
    };

    private static OcciValue ValueFromBson(string name, BsonDocument d)
    {
        var v = d["v"];
        return d["t"].AsString switch
        {
            "s" => OcciValue.Str(v.AsString),
            "i" => OcciValue.Int(v.AsInt64),
            "f" => OcciValue.Float(v.AsDouble),
            "b" => OcciValue.Bool(v.AsBoolean),
            var t => throw new InvalidDataException($"attribute '{name}' has unknown stored type tag '{t}'"),
        };
    }
}
