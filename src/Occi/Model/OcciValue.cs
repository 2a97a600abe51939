using System.Globalization;

namespace OcciAgent.Occi.Model;

/// <summary>The four value kinds an OCCI attribute can carry in our model (GFD.221 §5.3.2 Object,
/// refined the way GFD.226 §3.5 and GFD.229 §4.2 render them). List/Hash are not used by any
/// attribute this agent publishes.</summary>
public enum ValueKind { String, Integer, Float, Boolean }

/// <summary>An attribute value. Parsers produce what the wire said (a quoted text value is a
/// String, a bare <c>2</c> an Integer); <see cref="Validation"/> coerces it to the declared type.</summary>
public readonly record struct OcciValue
{
    public ValueKind Kind { get; }
    private readonly string? _s;
    private readonly long _i;
    private readonly double _f;

    private OcciValue(ValueKind kind, string? s, long i, double f)
    {
        Kind = kind; _s = s; _i = i; _f = f;
    }

    public static OcciValue Str(string s) => new(ValueKind.String, s, 0, 0);
    public static OcciValue Int(long i) => new(ValueKind.Integer, null, i, 0);
    public static OcciValue Float(double f) => new(ValueKind.Float, null, 0, f);
    public static OcciValue Bool(bool b) => new(ValueKind.Boolean, null, b ? 1 : 0, 0);

    public string AsString => Kind == ValueKind.String ? _s! : throw Wrong(ValueKind.String);
    public long AsInteger => Kind == ValueKind.Integer ? _i : throw Wrong(ValueKind.Integer);
    public bool AsBoolean => Kind == ValueKind.Boolean ? _i != 0 : throw Wrong(ValueKind.Boolean);

    /// <summary>Numeric view of an Integer or Float.</summary>
    public double AsDouble => Kind switch
    {
        ValueKind.Float => _f,
        ValueKind.Integer => _i,
        _ => throw Wrong(ValueKind.Float),
    };

    public bool IsNumber => Kind is ValueKind.Integer or ValueKind.Float;

    private InvalidOperationException Wrong(ValueKind wanted) =>
        new($"value is {Kind}, not {wanted}");

    /// <summary>Invariant text of the value without quoting: floats always carry a '.', never an
    /// exponent (GFD.229 §4.2 number = int | float; invariant culture).</summary>
    public string ToInvariantString() => Kind switch
    {
        ValueKind.String => _s!,
        ValueKind.Integer => _i.ToString(CultureInfo.InvariantCulture),
        ValueKind.Boolean => _i != 0 ? "true" : "false",
        _ => FormatFloat(_f),
    };

    public static string FormatFloat(double f)
    {
        // "R" round-trips; fall back to fixed notation when it would use an exponent.
        var s = f.ToString("R", CultureInfo.InvariantCulture);
        if (s.Contains('E') || s.Contains('e'))
            s = f.ToString("0.0###############", CultureInfo.InvariantCulture);
        if (!s.Contains('.') && !s.Contains("Infinity") && !s.Contains("NaN"))
            s += ".0";
        return s;
    }

    /// <summary>Equality used by filters and immutability checks: numbers compare numerically.</summary>
    public bool SameAs(OcciValue other)
    {
        if (IsNumber && other.IsNumber) return AsDouble.Equals(other.AsDouble);
        return Kind == other.Kind && ToInvariantString() == other.ToInvariantString();
    }

    public override string ToString() => ToInvariantString();
}
