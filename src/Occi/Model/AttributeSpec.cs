namespace OcciAgent.Occi.Model;

/// <summary>How an attribute is typed on the wire: JSON <c>type</c> string/number/boolean
/// (GFD.226 §3.5.1), with integers told apart through the pattern.</summary>
public enum AttrType { String, Integer, Float, Boolean }

/// <summary>An attribute definition (GFD.221 §5.3.2): name, type, mutable, required, pattern,
/// default, description. Enum values, numeric bounds and a regular expression are the "pattern";
/// the JSON rendering publishes them as a JSON Schema object, text cannot express them.</summary>
public sealed record AttributeSpec(
    string Name,
    AttrType Type,
    bool Mutable = true,
    bool Required = false,
    OcciValue? Default = null,
    string? Description = null)
{
    /// <summary>Allowed values for an enumeration (String type).</summary>
    public IReadOnlyList<string>? Enum { get; init; }
    /// <summary>Inclusive lower bound, or exclusive when <see cref="ExclusiveMinimum"/>.</summary>
    public double? Minimum { get; init; }
    public bool ExclusiveMinimum { get; init; }
    public double? Maximum { get; init; }
    /// <summary>.NET regular expression (anchored by the author) for String values.</summary>
    public string? Regex { get; init; }
    /// <summary>Mutable per the spec, but only accepted at creation (e.g. userdata, docs/conformance.md).</summary>
    public bool WriteOnce { get; init; }
    /// <summary>Value kept when a PUT omits it (hardware-describing attributes, GFD.223 §10.2.2).</summary>
    public bool KeepOnReplace { get; init; }
}
