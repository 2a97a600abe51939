using System.Text;

namespace OcciAgent.Occi.Rendering.Text;

/// <summary>A <c>name=value</c> parameter; <see cref="Quoted"/> tells a quoted-string (already
/// unescaped) from a bare token, which matters for attribute values (GFD.229 §4.1 attribute-value).</summary>
internal readonly record struct TextParam(string Name, string Value, bool Quoted);

/// <summary>Lexical layer shared by every text structure (GFD.229 §4.1, RFC 7230 §3.2.6 / §7):
/// list splitting outside quoted strings and <c>&lt;...&gt;</c> (docs/conformance.md), parameters, quoted strings.</summary>
internal static class TextLexer
{
    /// <summary>Splits on <paramref name="separator"/> (',' for RFC 7230 lists, ';' for
    /// parameters) outside quoted strings (with <c>\"</c> escapes) and outside a <c>&lt;...&gt;</c>
    /// that opens a segment. The OCCI-WG 1.1 test relies on this: naive comma splitting breaks
    /// quoted values that contain commas (GFD.229 §7). Parts are trimmed; empty parts are kept.</summary>
    public static List<string> Split(string value, char separator, string context)
    {
        var parts = new List<string>();
        var start = 0;
        var atSegmentStart = true;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '"')
            {
                i = EndOfQuoted(value, i, context);
                atSegmentStart = false;
            }
            else if (c == '<' && atSegmentStart)
            {
                var close = value.IndexOf('>', i + 1);
                if (close < 0)
                    throw new OcciParseException($"{context}: unterminated '<' (no closing '>')");
                i = close;
                atSegmentStart = false;
            }
            else if (c == separator)
            {
                parts.Add(value[start..i].Trim());
                start = i + 1;
                atSegmentStart = true;
            }
            else if (!char.IsWhiteSpace(c))
            {
                atSegmentStart = false;
            }
        }
        parts.Add(value[start..].Trim());
        return parts;
    }

    /// <summary>Index of the closing quote of the quoted-string opening at <paramref name="open"/>.</summary>
    public static int EndOfQuoted(string value, int open, string context)
    {
        for (var i = open + 1; i < value.Length; i++)
        {
            if (value[i] == '\\') i++;
            else if (value[i] == '"') return i;
        }
        throw new OcciParseException($"{context}: unterminated quoted string starting at '{Excerpt(value[open..])}'");
    }

    /// <summary>Unescapes the inside of a quoted-string: RFC 7230 quoted-pair (<c>\"</c>, <c>\\</c>,
    /// any <c>\x</c> → x) plus, as an extension, <c>\n</c>, <c>\r</c>, <c>\t</c> (docs/conformance.md).</summary>
    public static string Unescape(string inner)
    {
        if (!inner.Contains('\\')) return inner;
        var sb = new StringBuilder(inner.Length);
        for (var i = 0; i < inner.Length; i++)
        {
            var c = inner[i];
            if (c != '\\' || i + 1 == inner.Length) { sb.Append(c); continue; }
            var n = inner[++i];
            sb.Append(n switch { 'n' => '\n', 'r' => '\r', 't' => '\t', _ => n });
        }
        return sb.ToString();
    }

    /// <summary>Parses one <c>name=value</c> segment; whitespace around '=' is tolerated (docs/conformance.md).</summary>
    public static TextParam Param(string segment, string context)
    {
        var eq = segment.IndexOf('=');
        if (eq < 0)
            throw new OcciParseException($"{context}: parameter '{Excerpt(segment)}' is not of the form name=value");
        var name = segment[..eq].Trim();
        if (name.Length == 0 || name.Any(c => char.IsWhiteSpace(c) || c == '"'))
            throw new OcciParseException($"{context}: parameter '{Excerpt(segment)}' has an invalid name");
        var (value, quoted) = Value(segment[(eq + 1)..].Trim(), $"{context}: parameter '{name}'");
        return new TextParam(name, value, quoted);
    }

    /// <summary>A parameter value: a whole quoted-string, or a bare token without whitespace or quotes.</summary>
    public static (string Value, bool Quoted) Value(string raw, string context)
    {
        if (raw.StartsWith('"'))
        {
            var close = EndOfQuoted(raw, 0, context);
            if (close != raw.Length - 1)
                throw new OcciParseException($"{context}: unexpected text '{Excerpt(raw[(close + 1)..])}' after the quoted string");
            return (Unescape(raw[1..close]), true);
        }
        if (raw.Length == 0)
            throw new OcciParseException($"{context}: empty value");
        if (raw.Any(c => char.IsWhiteSpace(c) || c == '"'))
            throw new OcciParseException($"{context}: value '{Excerpt(raw)}' must be a token or a quoted string");
        return (raw, false);
    }

    /// <summary>1.2 term / attribute-name: <c>(ALPHA|DIGIT) *(ALPHA|DIGIT|"-"|"_"|".")</c> (GFD.229 §4.1).
    /// This is a superset of the 1.1 grammar, so 1.1 clients pass too.</summary>
    public static bool IsTerm(string s)
    {
        if (s.Length == 0 || !char.IsAsciiLetterOrDigit(s[0])) return false;
        foreach (var c in s)
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.')) return false;
        return true;
    }

    /// <summary>Space-separated list (rel, actions, category parameters).</summary>
    public static List<string> Words(string s) =>
        [.. s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)];

    /// <summary>Shortens client input quoted in error messages.</summary>
    public static string Excerpt(string s) => s.Length <= 120 ? s : s[..117] + "...";

    /// <summary>Drops the one empty trailing part an optional trailing ';' leaves (GFD.229 §4.1);
    /// any other empty part is an error.</summary>
    public static List<string> NonEmptyParams(List<string> parts, string context)
    {
        if (parts.Count > 1 && parts[^1].Length == 0) parts.RemoveAt(parts.Count - 1);
        if (parts.Any(p => p.Length == 0))
            throw new OcciParseException($"{context}: empty parameter (';' without a parameter)");
        return parts;
    }
}
