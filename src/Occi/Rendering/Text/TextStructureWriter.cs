namespace OcciAgent.Occi.Rendering.Text;

/// <summary>One rendered structure: header / line name and its value.</summary>
internal readonly record struct TextField(string Name, string Value);

/// <summary>Builds the ordered structures of each response rendering; text/plain writes them as
/// body lines, text/occi as header fields (GFD.229 §6, §7).</summary>
internal static class TextStructureWriter
{
    /// <summary>Resource rendering <c>1*Category *Link *Attribute</c> (GFD.229 §5.1.1) or link
    /// rendering <c>1*Category *ActionLink *Attribute</c> (§5.1.2).</summary>
    public static List<TextField> Entity(EntityView view)
    {
        var fields = new List<TextField> { new(TextHeaders.Category, TextFormat.CategoryShort(view.Kind)) };
        fields.AddRange(view.Mixins.Select(m => new TextField(TextHeaders.Category, TextFormat.CategoryShort(m))));
        if (!view.IsLink)
            fields.AddRange(view.Links.Select(l => new TextField(TextHeaders.Link, TextFormat.Link(l))));
        fields.AddRange(view.Actions.Select(a => new TextField(TextHeaders.Link, TextFormat.ActionLink(view.Location, a))));
        fields.AddRange(view.Attributes.Select(a => new TextField(TextHeaders.Attribute, TextFormat.Attribute(a.Key, a.Value))));
        return fields;
    }

    /// <summary>Query interface <c>*(Category CRLF)</c> (GFD.229 §5.4): kinds, mixins, actions
    /// in the given order (core kinds first, which the OCCI-WG 1.1 test relies on).</summary>
    public static List<TextField> Categories(CategoryCollection categories) =>
    [
        .. categories.Kinds.Select(k => new TextField(TextHeaders.Category, TextFormat.CategoryFull(k))),
        .. categories.Mixins.Select(m => new TextField(TextHeaders.Category, TextFormat.CategoryFull(m))),
        .. categories.Actions.Select(a => new TextField(TextHeaders.Category, TextFormat.CategoryFull(a))),
    ];

    /// <summary>Entity collection <c>*(Location CRLF)</c> with absolute URLs (GFD.229 §5.3; docs/conformance.md).</summary>
    public static List<TextField> Locations(IEnumerable<EntityView> entities, string baseUrl) =>
        [.. entities.Select(e => new TextField(TextHeaders.Location, TextFormat.Absolute(baseUrl, e.Location)))];
}
