using System.Collections.Immutable;
using OcciAgent.Occi.Model;

namespace OcciAgent.Tests.Store;

/// <summary>Entities used across the store tests.</summary>
internal static class Samples
{
    public const string Compute = Schemes.Infra + "compute";
    public const string Storage = Schemes.Infra + "storage";
    public const string StorageLink = Schemes.Infra + "storagelink";
    public const string OsTpl = "http://node1/occi/os_tpl#debian";
    public const string Tag = "http://node1/occi/my_tags#blue";

    public static Entity Entity(string id, string kind, string[]? mixins = null, params (string Name, OcciValue Value)[] attrs) =>
        new(id, kind, [.. mixins ?? []],
            ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal,
                attrs.Select(a => KeyValuePair.Create(a.Name, a.Value))));

    public static Entity Vm(string id, params string[] mixins) =>
        Entity(id, Compute, mixins, (AttributeNames.Title, OcciValue.Str("vm " + id)));

    public static Entity Disk(string id) =>
        Entity(id, Storage, null, (AttributeNames.Title, OcciValue.Str("disk " + id)));

    public static Entity Link(string id, string source, string target) =>
        Entity(id, StorageLink, null,
            (AttributeNames.Source, OcciValue.Str(source)),
            (AttributeNames.Target, OcciValue.Str(target)));

    public static string[] Ids(IEnumerable<Entity> entities) => [.. entities.Select(e => e.Id)];

    /// <summary>Records compare Attributes by reference; compare the content instead.</summary>
    public static void AssertSame(Entity expected, Entity? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.KindId, actual.KindId);
        Assert.Equal(expected.Mixins.ToArray(), actual.Mixins.ToArray());
        Assert.Equal(expected.Attributes.Keys.ToArray(), actual.Attributes.Keys.ToArray());
        foreach (var (name, value) in expected.Attributes)
        {
            var got = actual.Attributes[name];
            Assert.Equal(value.Kind, got.Kind);
            Assert.Equal(value.ToInvariantString(), got.ToInvariantString());
        }
    }
}
