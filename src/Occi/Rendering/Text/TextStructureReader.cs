namespace OcciAgent.Occi.Rendering.Text;

/// <summary>Adds one header field / body line to an <see cref="OcciDocument"/>. A value may be an
/// RFC 7230 comma list (GFD.229 §7); it is split outside quoted strings and &lt;...&gt; (docs/conformance.md).</summary>
internal static class TextStructureReader
{
    /// <param name="where">"header" (text/occi) or "line" (text/plain), for error messages.</param>
    public static void Add(OcciDocument doc, TextStructure structure, string headerName, string value, string where)
    {
        var context = $"{headerName} {where} '{TextLexer.Excerpt(value.Trim())}'";
        var items = TextLexer.Split(value, ',', context);
        // A trailing ',' or an empty header adds nothing; an empty element between commas is
        // allowed by RFC 7230 §7 (#rule) and skipped as well.
        foreach (var item in items)
        {
            if (item.Length == 0) continue;
            switch (structure)
            {
                case TextStructure.Category: doc.Categories.Add(CategoryValueParser.Parse(item)); break;
                case TextStructure.Link: doc.Links.Add(LinkValueParser.Parse(item)); break;
                case TextStructure.Attribute: doc.Attributes.Add(AttributeValueParser.Parse(item)); break;
                case TextStructure.Location: doc.Locations.Add(Location(item)); break;
            }
        }
    }

    /// <summary><c>location-value = URI-reference</c>; a trailing ';' and enclosing &lt;&gt; are tolerated.</summary>
    private static string Location(string item)
    {
        var loc = item.TrimEnd(';').Trim();
        if (loc.Length > 1 && loc.StartsWith('<') && loc.EndsWith('>')) loc = loc[1..^1].Trim();
        if (loc.Length == 0 || loc.Any(c => char.IsWhiteSpace(c) || c == '"'))
            throw new OcciParseException($"X-OCCI-Location value '{TextLexer.Excerpt(item)}' is not a URI reference");
        return loc;
    }
}
