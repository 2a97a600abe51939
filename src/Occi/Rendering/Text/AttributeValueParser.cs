using System.Globalization;
using OcciAgent.Occi.Model;

namespace OcciAgent.Occi.Rendering.Text;

/// <summary>Parses <c>attribute-repr</c> = <c>attribute-name "=" attribute-value</c> (GFD.229 §4.1).
/// Values keep what the wire said (quoted → String, bare number → Integer/Float, bare true/false
/// → Boolean); validation coerces to the declared type later (docs/conformance.md, "Input leniency").</summary>
internal static class AttributeValueParser
{
    /// <summary>One X-OCCI-Attribute list item; an optional trailing ';' is tolerated.</summary>
    public static KeyValuePair<string, OcciValue> Parse(string item)
    {
        var context = $"X-OCCI-Attribute value '{TextLexer.Excerpt(item)}'";
        var parts = TextLexer.NonEmptyParams(TextLexer.Split(item, ';', context), context);
        if (parts.Count != 1)
            throw new OcciParseException($"{context} holds more than one attribute; separate attributes with ',' or use one line each");
        return Pair(parts[0], context);
    }

    /// <summary>A <c>name=value</c> pair (X-OCCI-Attribute or a link-attribute of a Link value).</summary>
    public static KeyValuePair<string, OcciValue> Pair(string segment, string context)
    {
        var p = TextLexer.Param(segment, context);
        if (!TextLexer.IsTerm(p.Name))
            throw new OcciParseException($"{context}: attribute name '{TextLexer.Excerpt(p.Name)}' is invalid");
        return new(p.Name, p.Quoted ? OcciValue.Str(p.Value) : Bare(p.Value, context));
    }

    /// <summary>A bare value: int (with a tolerated leading '-'), float (digits '.' digits),
    /// true/false; anything else is an unquoted enum value some clients send → String.</summary>
    public static OcciValue Bare(string token, string context)
    {
        var body = token.StartsWith('-') ? token[1..] : token;
        var digits = body.Count(char.IsAsciiDigit);
        var dots = body.Count(c => c == '.');
        if (digits > 0 && digits + dots == body.Length)
        {
            if (dots == 0)
                return long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)
                    ? OcciValue.Int(l)
                    : throw new OcciParseException($"{context}: integer '{TextLexer.Excerpt(token)}' is out of range");
            if (dots == 1)
                return OcciValue.Float(double.Parse(token, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint,
                    CultureInfo.InvariantCulture));
        }
        return token switch
        {
            "true" => OcciValue.Bool(true),
            "false" => OcciValue.Bool(false),
            _ => OcciValue.Str(token),
        };
    }
}
