namespace OcciAgent.Occi.Rendering.Text;

/// <summary>Parses one <c>link-value</c> (GFD.229 §4.1), both the OCCI link form
/// (<c>&lt;target&gt;; rel; self; category; attributes...</c>) and the action link form
/// (<c>&lt;uri?action=term&gt;; rel</c>); the caller tells them apart by <c>?action=</c>.
/// Parameters may come in any order; every parameter other than rel/self/category is a
/// link attribute <c>name=value</c>.</summary>
internal static class LinkValueParser
{
    public static LinkRendering Parse(string value)
    {
        var context = $"Link value '{TextLexer.Excerpt(value)}'";
        var parts = TextLexer.NonEmptyParams(TextLexer.Split(value, ';', context), context);
        var first = parts[0];
        if (!first.StartsWith('<') || !first.EndsWith('>'))
            throw new OcciParseException($"{context} does not start with a <URI>");
        var target = first[1..^1].Trim();
        if (target.Length == 0 || target.Any(char.IsWhiteSpace))
            throw new OcciParseException($"{context}: target '<{TextLexer.Excerpt(target)}>' is not a URI reference");

        IReadOnlyList<string> rel = [], categories = [];
        string? self = null;
        var attributes = new List<KeyValuePair<string, Model.OcciValue>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var segment in parts.Skip(1))
        {
            var p = TextLexer.Param(segment, context);
            var name = p.Name.ToLowerInvariant();
            if (name is "rel" or "self" or "category" && !seen.Add(name))
                throw new OcciParseException($"{context} repeats the parameter '{p.Name}'");
            switch (name)
            {
                case "rel": rel = TextLexer.Words(p.Value); break;
                case "self": self = p.Value.Trim(); break;
                case "category": categories = TextLexer.Words(p.Value); break;
                default: attributes.Add(AttributeValueParser.Pair(segment, context)); break;
            }
        }
        return new LinkRendering(target)
        {
            Rel = rel,
            Self = string.IsNullOrEmpty(self) ? null : self,
            Categories = categories,
            Attributes = attributes,
        };
    }
}
