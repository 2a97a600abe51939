namespace OcciAgent.Occi.Rendering.Text;

/// <summary>Parses one <c>category-value</c> (GFD.229 §4.1) leniently (docs/conformance.md): any
/// parameter order, whitespace around ';' and '=', bare or quoted values, optional trailing ';',
/// missing <c>class</c> (1.1 clients). Unknown parameters are ignored for extensibility.</summary>
internal static class CategoryValueParser
{
    public static CategoryRendering Parse(string value)
    {
        var context = $"Category value '{TextLexer.Excerpt(value)}'";
        var parts = TextLexer.NonEmptyParams(TextLexer.Split(value, ';', context), context);
        var term = parts[0];
        if (term.Contains('='))
            throw new OcciParseException($"{context} does not start with a term");
        if (!TextLexer.IsTerm(term))
            throw new OcciParseException($"{context}: term '{TextLexer.Excerpt(term)}' is invalid (letters, digits, '-', '_', '.'; first a letter or digit)");

        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? scheme = null, cls = null, title = null, location = null;
        IReadOnlyList<string> rel = [], actions = [];
        IReadOnlyList<AttributeDef> attributes = [];
        foreach (var segment in parts.Skip(1))
        {
            var p = TextLexer.Param(segment, context);
            var name = p.Name.ToLowerInvariant();
            if (!seen.Add(name))
                throw new OcciParseException($"{context} repeats the parameter '{p.Name}'");
            switch (name)
            {
                case "scheme": scheme = p.Value.Trim(); break;
                case "class": cls = Class(p.Value, context); break;
                case "title": title = p.Value; break;
                case "rel": rel = TextLexer.Words(p.Value); break;
                case "location": location = p.Value.Trim(); break;
                case "attributes": attributes = AttributeDefs(p.Value, context); break;
                case "actions": actions = TextLexer.Words(p.Value); break;
                default: break; // GFD.221 §5.5 extensibility: tolerate parameters we do not know.
            }
        }
        if (scheme is null)
            throw new OcciParseException($"{context} has no scheme parameter");
        if (scheme.Length == 0 || scheme.Any(char.IsWhiteSpace))
            throw new OcciParseException($"{context}: scheme '{scheme}' is not a URI");

        return new CategoryRendering(term, scheme, cls)
        {
            Title = title,
            Rel = rel,
            Location = string.IsNullOrWhiteSpace(location) ? null : location,
            Attributes = attributes,
            Actions = actions,
        };
    }

    private static string Class(string value, string context)
    {
        var c = value.Trim().ToLowerInvariant();
        return c is "kind" or "mixin" or "action"
            ? c
            : throw new OcciParseException($"{context}: class '{TextLexer.Excerpt(value)}' is not kind, mixin or action");
    }

    /// <summary><c>attribute-list</c>: names separated by spaces, each optionally followed by
    /// <c>{immutable required}</c>; whitespace inside and before the braces is tolerated.</summary>
    internal static List<AttributeDef> AttributeDefs(string list, string context)
    {
        var defs = new List<AttributeDef>();
        var i = 0;
        while (true)
        {
            while (i < list.Length && char.IsWhiteSpace(list[i])) i++;
            if (i == list.Length) return defs;
            var start = i;
            while (i < list.Length && !char.IsWhiteSpace(list[i]) && list[i] != '{') i++;
            var name = list[start..i];
            if (!TextLexer.IsTerm(name))
                throw new OcciParseException($"{context}: attribute name '{TextLexer.Excerpt(name)}' in attributes is invalid");
            while (i < list.Length && char.IsWhiteSpace(list[i])) i++;
            bool immutable = false, required = false;
            if (i < list.Length && list[i] == '{')
            {
                var close = list.IndexOf('}', i);
                if (close < 0)
                    throw new OcciParseException($"{context}: unterminated '{{' after attribute '{name}'");
                foreach (var prop in TextLexer.Words(list[(i + 1)..close]))
                {
                    switch (prop.ToLowerInvariant())
                    {
                        case "immutable": immutable = true; break;
                        case "required": required = true; break;
                        default:
                            throw new OcciParseException($"{context}: attribute '{name}' has unknown property '{TextLexer.Excerpt(prop)}' (immutable or required)");
                    }
                }
                i = close + 1;
            }
            defs.Add(new AttributeDef(name, immutable, required));
        }
    }
}
