using System.Globalization;
using System.Text.RegularExpressions;
using OcciAgent.Occi.Model;

namespace OcciAgent.Occi.Validation;

/// <summary>Turns a value as sent into the declared type, leniently as docs/conformance.md, "Input
/// leniency", asks (integer for float, integral float for integer, quoted numbers and booleans),
/// then checks enum, bounds and pattern. Returns an error message instead of throwing so the
/// validator can report every problem at once.</summary>
public static class ValueCoercion
{
    public static OcciValue? Coerce(AttributeSpec spec, OcciValue value, out string? error)
    {
        error = null;
        OcciValue? typed = spec.Type switch
        {
            AttrType.String => value.Kind == ValueKind.String ? value : OcciValue.Str(value.ToInvariantString()),
            AttrType.Integer => ToInteger(value),
            AttrType.Float => ToFloat(value),
            AttrType.Boolean => ToBoolean(value),
            _ => null,
        };
        if (typed is not { } v)
        {
            error = $"attribute {spec.Name}: '{value.ToInvariantString()}' is not {Describe(spec.Type)}";
            return null;
        }
        error = Check(spec, v);
        return error is null ? v : null;
    }

    private static string Describe(AttrType t) => t switch
    {
        AttrType.Integer => "an integer",
        AttrType.Float => "a number",
        AttrType.Boolean => "a boolean (true or false)",
        _ => "a string",
    };

    private static OcciValue? ToInteger(OcciValue v) => v.Kind switch
    {
        ValueKind.Integer => v,
        ValueKind.Float when v.AsDouble == Math.Floor(v.AsDouble) && Math.Abs(v.AsDouble) < 9e15 => OcciValue.Int((long)v.AsDouble),
        ValueKind.String when long.TryParse(v.AsString.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i) => OcciValue.Int(i),
        _ => null,
    };

    private static OcciValue? ToFloat(OcciValue v) => v.Kind switch
    {
        ValueKind.Float => v,
        ValueKind.Integer => OcciValue.Float(v.AsInteger),
        ValueKind.String when double.TryParse(v.AsString.Trim(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint,
            CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) => OcciValue.Float(d),
        _ => null,
    };

    private static OcciValue? ToBoolean(OcciValue v) => v.Kind switch
    {
        ValueKind.Boolean => v,
        ValueKind.String when v.AsString is "true" or "false" => OcciValue.Bool(v.AsString == "true"),
        _ => null,
    };

    private static string? Check(AttributeSpec spec, OcciValue v)
    {
        if (spec.Enum is { } allowed && !allowed.Contains(v.ToInvariantString()))
            return $"attribute {spec.Name}: '{v.ToInvariantString()}' is not one of {string.Join(", ", allowed)}";
        if (v.IsNumber)
        {
            var d = v.AsDouble;
            if (spec.Minimum is { } min && (spec.ExclusiveMinimum ? d <= min : d < min))
                return $"attribute {spec.Name}: {v} must be {(spec.ExclusiveMinimum ? "greater than" : "at least")} {OcciValue.FormatFloat(min).Replace(".0", "")}";
            if (spec.Maximum is { } max && d > max)
                return $"attribute {spec.Name}: {v} must be at most {OcciValue.FormatFloat(max).Replace(".0", "")}";
        }
        if (spec.Regex is { } pattern && v.Kind == ValueKind.String &&
            !Regex.IsMatch(v.AsString, pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(200)))
            return $"attribute {spec.Name}: '{v.AsString}' does not match the pattern {pattern}";
        if (v.Kind == ValueKind.String && v.AsString.Contains('\0'))
            return $"attribute {spec.Name}: value contains a NUL character";
        return null;
    }
}
