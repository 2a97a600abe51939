namespace OcciAgent.Occi.Model;

/// <summary>Category (GFD.221 §5.3.1): identified by scheme + term, the type identifier.</summary>
public abstract class Category
{
    protected Category(string scheme, string term, string? title)
    {
        Scheme = scheme;
        Term = term;
        Title = title;
        Id = scheme + term;
    }

    public string Scheme { get; }
    public string Term { get; }
    public string? Title { get; }
    /// <summary>Type identifier: scheme + term.</summary>
    public string Id { get; }
    public abstract string Class { get; }
    public override string ToString() => Id;
}

/// <summary>Action (GFD.221 §5.3.5): an invocable operation; its attributes are parameters.</summary>
public sealed class OcciAction(string scheme, string term, string? title, IReadOnlyList<AttributeSpec> parameters)
    : Category(scheme, term, title)
{
    public IReadOnlyList<AttributeSpec> Parameters { get; } = parameters;
    public override string Class => "action";
}

/// <summary>Kind (GFD.221 §5.3.3): the immutable type of an entity; inherits its parent's
/// attributes and actions.</summary>
public sealed class Kind(
    string scheme, string term, string? title, Kind? parent, string? location,
    IReadOnlyList<AttributeSpec> ownAttributes, IReadOnlyList<OcciAction> actions)
    : Category(scheme, term, title)
{
    public Kind? Parent { get; } = parent;
    /// <summary>Collection path ending in '/', or null for core#entity (GFD.223 §4).</summary>
    public string? Location { get; } = location;
    public IReadOnlyList<AttributeSpec> OwnAttributes { get; } = ownAttributes;
    public IReadOnlyList<OcciAction> Actions { get; } = actions;
    public override string Class => "kind";

    /// <summary>All attributes, inherited first (GFD.221 §5.3.3: publish the full set).</summary>
    public IEnumerable<AttributeSpec> AllAttributes =>
        (Parent?.AllAttributes ?? []).Concat(OwnAttributes);

    public bool IsA(Kind other)
    {
        for (var k = this; k is not null; k = k.Parent)
            if (ReferenceEquals(k, other)) return true;
        return false;
    }

    public bool IsLinkKind => Parent is not null && (Term == "link" && Scheme == Schemes.Core || Parent.IsLinkKind);
}

/// <summary>Mixin (GFD.221 §5.3.4): adds attributes/actions to entities; templates carry defaults.</summary>
public sealed class Mixin(
    string scheme, string term, string? title, string location,
    IReadOnlyList<Mixin> depends, IReadOnlyList<Kind> applies,
    IReadOnlyList<AttributeSpec> attributes, IReadOnlyList<OcciAction> actions,
    bool userDefined = false)
    : Category(scheme, term, title)
{
    public string Location { get; } = location;
    public IReadOnlyList<Mixin> Depends { get; } = depends;
    /// <summary>Kinds this mixin may be associated with; empty = any entity.</summary>
    public IReadOnlyList<Kind> Applies { get; } = applies;
    public IReadOnlyList<AttributeSpec> Attributes { get; } = attributes;
    public IReadOnlyList<OcciAction> Actions { get; } = actions;
    /// <summary>A client-created tag (GFD.221 §5.5.3); only these may be deleted through /-/.</summary>
    public bool UserDefined { get; } = userDefined;
    public override string Class => "mixin";

    /// <summary>Provider data behind a template (e.g. an os_tpl image file); never rendered.</summary>
    public object? Backing { get; init; }

    public bool DependsOn(Mixin other) =>
        Depends.Any(d => ReferenceEquals(d, other) || d.DependsOn(other));

    public bool AppliesTo(Kind kind) =>
        Applies.Count == 0 || Applies.Any(kind.IsA);

    /// <summary>Attributes of this mixin and of everything it depends on.</summary>
    public IEnumerable<AttributeSpec> AllAttributes =>
        Depends.SelectMany(d => d.AllAttributes).Concat(Attributes);
}
