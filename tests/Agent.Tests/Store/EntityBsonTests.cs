using LiteDB;
using OcciAgent.Occi.Model;
using OcciAgent.Store;

namespace OcciAgent.Tests.Store;

[Trait("Category", "Unit")]
public sealed class EntityBsonTests
{
    [Fact]
    public void ToBson_Link_HasTaggedAttrsAndDenormalisedEnds()
    {
        var link = Samples.Link("l1", "/compute/vm1", "/storage/d1")
            .With("size", OcciValue.Float(2.0))
            .With("count", OcciValue.Int(2));

        var doc = EntityBson.ToBson(link);

        Assert.Equal("l1", doc["_id"].AsString);
        Assert.Equal(Samples.StorageLink, doc["kind"].AsString);
        Assert.Equal("/compute/vm1", doc["source"].AsString);
        Assert.Equal("/storage/d1", doc["target"].AsString);
        var size = doc["attrs"]["size"].AsDocument;
        Assert.Equal("f", size["t"].AsString);
        Assert.True(size["v"].IsDouble);
        var count = doc["attrs"]["count"].AsDocument;
        Assert.Equal("i", count["t"].AsString);
        Assert.True(count["v"].IsInt64);
    }

    [Fact]
    public void ToBson_Resource_HasNoSourceOrTarget()
    {
        var doc = EntityBson.ToBson(Samples.Vm("vm1", Samples.Tag));

        Assert.False(doc.ContainsKey("source"));
        Assert.False(doc.ContainsKey("target"));
        Assert.Equal([Samples.Tag], doc["mixins"].AsArray.Select(m => m.AsString));
    }

    [Fact]
    public void FromBson_AfterBinarySerialisation_KeepsFloatAsFloat()
    {
        var e = Samples.Vm("vm1").With("speed", OcciValue.Float(2.0)).With("cores", OcciValue.Int(2));

        var bytes = BsonSerializer.Serialize(EntityBson.ToBson(e));
        var back = EntityBson.FromBson(BsonSerializer.Deserialize(bytes));

        Samples.AssertSame(e, back);
        Assert.Equal("2.0", back.Get("speed")!.Value.ToInvariantString());
        Assert.Equal("2", back.Get("cores")!.Value.ToInvariantString());
    }

    [Fact]
    public void FromBson_UnknownTypeTag_ThrowsNamingAttribute()
    {
        var doc = EntityBson.ToBson(Samples.Vm("vm1"));
        doc["attrs"][AttributeNames.Title]["t"] = "x";

        var e = Assert.Throws<InvalidDataException>(() => EntityBson.FromBson(doc));

        Assert.Contains(AttributeNames.Title, e.Message);
    }
}
