using OcciAgent.Occi.Catalog;
using OcciAgent.Occi.Model;
using OcciAgent.Occi.Rendering;
using OcciAgent.Occi.Rendering.Text;
using static OcciAgent.Tests.Rendering.Text.TextTestData;

namespace OcciAgent.Tests.Rendering.Text;

/// <summary>What the renderers emit, the parsers read back unchanged, in both text renderings.</summary>
[Trait("Category", "Unit")]
public class TextRoundTripTests
{
    private static OcciDocument ViaPlain(Func<IOcciRenderer, OcciOutput> render) =>
        new TextPlainParser().Parse([], render(new TextPlainRenderer()).Body);

    private static OcciDocument ViaOcci(Func<IOcciRenderer, OcciOutput> render) =>
        new TextOcciParser().Parse(render(new TextOcciRenderer()).Headers, "OK");

    public static TheoryData<string> Renderings => ["text/plain", "text/occi"];

    private static OcciDocument Via(string mediaType, Func<IOcciRenderer, OcciOutput> render) =>
        mediaType == "text/plain" ? ViaPlain(render) : ViaOcci(render);

    [Theory]
    [MemberData(nameof(Renderings))]
    public void Entity_T3_RoundTrips(string mediaType)
    {
        var view = T3Compute();
        var doc = Via(mediaType, r => r.Entity(view, BaseUrl));

        Assert.Equal([view.Kind.Id, .. view.Mixins.Select(m => m.Id)], doc.Categories.Select(c => c.Id));
        Assert.Equal(["kind", "mixin", "mixin", "mixin"], doc.Categories.Select(c => c.Class));
        Assert.Equal(6, doc.Links.Count);
        for (var i = 0; i < 2; i++)
        {
            var sent = view.Links[i];
            var got = doc.Links[i];
            Assert.Equal(sent.Target, got.Target);
            Assert.Equal([sent.TargetKind!], got.Rel);
            Assert.Equal(sent.Location, got.Self);
            Assert.Equal([sent.Kind.Id], got.Categories);
            AssertSameAttributes(sent.Attributes, got.Attributes);
        }
        Assert.Equal(view.Actions.Select(a => $"{view.Location}?action={a.Term}"), doc.Links.Skip(2).Select(l => l.Target));
        Assert.Equal(view.Actions.Select(a => a.Id), doc.Links.Skip(2).Select(l => Assert.Single(l.Rel)));
        AssertSameAttributes(view.Attributes, doc.Attributes);
    }

    [Theory]
    [MemberData(nameof(Renderings))]
    public void Entity_TrickyStrings_RoundTrip(string mediaType)
    {
        string[] values = ["a, b", "semi; colon", "quote \" and \\ back", "multi\r\nline\n", "<angle>", "tab\there", "", "x=y,\"z\""];
        var attributes = values.Select((v, i) => S($"s.v{i}", v))
            .Append(new("n.i", OcciValue.Int(-3))).Append(new("n.f", OcciValue.Float(0.25))).Append(new("n.b", OcciValue.Bool(true)))
            .ToList();
        var view = View(InfrastructureKinds.Compute, [], "1", [], attributes);

        AssertSameAttributes(attributes, Via(mediaType, r => r.Entity(view, BaseUrl)).Attributes);
    }

    [Theory]
    [MemberData(nameof(Renderings))]
    public void Categories_RealCatalog_RoundTrip(string mediaType)
    {
        var snapshot = new OcciCatalog("http://node/occi/").Current;
        var sent = new CategoryCollection(snapshot.Kinds, snapshot.Mixins, snapshot.Actions);
        var doc = Via(mediaType, r => r.Categories(sent));

        var all = sent.Kinds.Cast<Category>().Concat(sent.Mixins).Concat(sent.Actions).ToList();
        Assert.Equal(all.Count, doc.Categories.Count);
        for (var i = 0; i < all.Count; i++)
        {
            var c = all[i];
            var got = doc.Categories[i];
            Assert.Equal((c.Term, c.Scheme, c.Class, c.Title), (got.Term, got.Scheme, got.Class, got.Title));
            var (specs, location, rel) = c switch
            {
                Kind k => (k.AllAttributes.ToList(), k.Location, k.Parent is null ? [] : new[] { k.Parent.Id }),
                Mixin m => (m.Attributes.ToList(), m.Location, m.Depends.Take(1).Select(d => d.Id).ToArray()),
                OcciAction a => (a.Parameters.ToList(), (string?)null, Array.Empty<string>()),
                _ => throw new InvalidOperationException(),
            };
            Assert.Equal(location, got.Location);
            Assert.Equal(rel, got.Rel);
            Assert.Equal(specs.Select(s => new AttributeDef(s.Name, !s.Mutable, s.Required)), got.Attributes);
        }
    }

    [Theory]
    [MemberData(nameof(Renderings))]
    public void Collection_RoundTrips(string mediaType)
    {
        var views = new[] { "a", "b", "c" }.Select(id => View(InfrastructureKinds.Storage, [], id, [], [])).ToList();
        var doc = Via(mediaType, r => r.Collection(views, CollectionShape.Resources, BaseUrl));
        Assert.Equal(views.Select(v => BaseUrl + v.Location), doc.Locations);
    }

    [Theory]
    [MemberData(nameof(Renderings))]
    public void LinkEntity_RoundTrips(string mediaType)
    {
        var link = StorageLink();
        var doc = Via(mediaType, r => r.Entity(link, BaseUrl));
        Assert.Equal([Schemes.Infra + "storagelink"], doc.Categories.Select(c => c.Id));
        Assert.Empty(doc.Links);
        AssertSameAttributes(link.Attributes, doc.Attributes);
    }

    private static void AssertSameAttributes(
        IReadOnlyList<KeyValuePair<string, OcciValue>> expected, IReadOnlyList<KeyValuePair<string, OcciValue>> actual)
    {
        Assert.Equal(expected.Select(a => a.Key), actual.Select(a => a.Key));
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Value.Kind, actual[i].Value.Kind);
            Assert.Equal(expected[i].Value.ToInvariantString(), actual[i].Value.ToInvariantString());
        }
    }
}
