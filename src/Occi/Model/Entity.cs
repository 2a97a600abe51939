using System.Collections.Immutable;

namespace OcciAgent.Occi.Model;

/// <summary>An entity instance (GFD.221 §5.4): immutable snapshot of id, kind, mixins and
/// attribute values. Core attributes (title, summary, source, target, target.kind) live in
/// <see cref="Attributes"/> under their rendered names (GFD.229 §5.5.1). Links are entities
/// whose kind descends from core#link; a resource's links are found by source.</summary>
public sealed record Entity(
    string Id,
    string KindId,
    ImmutableArray<string> Mixins,
    ImmutableSortedDictionary<string, OcciValue> Attributes)
{
    public OcciValue? Get(string name) => Attributes.TryGetValue(name, out var v) ? v : null;
    public string? GetString(string name) =>
        Attributes.TryGetValue(name, out var v) && v.Kind == ValueKind.String ? v.AsString : null;

    public Entity With(string name, OcciValue? value) => this with
    {
        Attributes = value is { } v ? Attributes.SetItem(name, v) : Attributes.Remove(name),
    };

    /// <summary>The id in an entity location (<c>/compute/ID</c>: its last segment).</summary>
    public static string IdIn(string location) => location[(location.LastIndexOf('/') + 1)..];

    /// <summary>Source location of a link (relative path), or null for a resource.</summary>
    public string? Source => GetString(AttributeNames.Source);
    public string? Target => GetString(AttributeNames.Target);
}

/// <summary>Rendered attribute names used by the agent itself.</summary>
public static class AttributeNames
{
    public const string Id = "occi.core.id";
    public const string Title = "occi.core.title";
    public const string Summary = "occi.core.summary";
    public const string Source = "occi.core.source";
    public const string Target = "occi.core.target";
    public const string TargetKind = "occi.core.target.kind";
    public const string SourceKind = "occi.core.source.kind";
}
