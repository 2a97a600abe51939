using System.Text;
using OcciAgent.Occi.Model;

namespace OcciAgent.Occi.Rendering.Text;

/// <summary>Strict emission of single header values (GFD.229 §4.1; docs/conformance.md): ABNF
/// parameter order, "; " separators, quoted class/rel/self/location/attributes/actions/category.
/// rOCCI 4/5 parse with fixed-order regular expressions, so the order here is load-bearing.</summary>
internal static class TextFormat
{
    public const string Sep = "; ";

    /// <summary>RFC 7230 quoted-string: <c>\"</c> and <c>\\</c> escaped; CR and LF cannot appear in
    /// a header value, so they become <c>\r</c> / <c>\n</c> (rOCCI 4 convention, docs/conformance.md).</summary>
    public static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\r': sb.Append("\\r"); break;
                case '\n': sb.Append("\\n"); break;
                default: sb.Append(c); break;
            }
        }
        return sb.Append('"').ToString();
    }

    /// <summary>Attribute value per GFD.229 §4.1 and docs/conformance.md: strings quoted, integers as digits,
    /// floats invariant with a '.', booleans bare.</summary>
    public static string Value(OcciValue v) => v.Kind == ValueKind.String ? Quote(v.AsString) : v.ToInvariantString();

    public static string Attribute(string name, OcciValue value) => name + "=" + Value(value);

    /// <summary>Short category form used inside entity renderings (GFD.229 §5.1 examples).</summary>
    public static string CategoryShort(Category c) =>
        c.Term + Sep + "scheme=" + Quote(c.Scheme) + Sep + "class=" + Quote(c.Class);

    /// <summary>Full category of the query interface (GFD.229 §5.2, §5.4, §5.5):
    /// term; scheme; class; title; rel; location; attributes; actions — empty ones omitted.</summary>
    public static string CategoryFull(Category c)
    {
        var sb = new StringBuilder(CategoryShort(c));
        if (!string.IsNullOrEmpty(c.Title)) sb.Append(Sep).Append("title=").Append(Quote(c.Title));
        var (rel, location, attributes, actions) = c switch
        {
            Kind k => (k.Parent?.Id, k.Location, k.AllAttributes.ToList(), KindActions(k)),
            // GFD.229 §5.5.2: only the first depends; applies is not rendered in text.
            Mixin m => (m.Depends.Count > 0 ? m.Depends[0].Id : null, m.Location, m.Attributes.ToList(), m.Actions.ToList()),
            // Action categories carry no rel, location or actions (GFD.229 §5.2); attributes = parameters.
            OcciAction a => ((string?)null, (string?)null, a.Parameters.ToList(), new List<OcciAction>()),
            _ => (null, null, [], []),
        };
        if (rel is not null) sb.Append(Sep).Append("rel=").Append(Quote(rel));
        if (!string.IsNullOrEmpty(location)) sb.Append(Sep).Append("location=").Append(Quote(location));
        if (attributes.Count > 0)
            sb.Append(Sep).Append("attributes=").Append(Quote(string.Join(' ', attributes.Select(AttributeDef))));
        if (actions.Count > 0)
            sb.Append(Sep).Append("actions=").Append(Quote(string.Join(' ', actions.Select(a => a.Id))));
        return sb.ToString();
    }

    /// <summary>A kind's actions including inherited ones, parents first (the kind inherits its
    /// parent's actions, GFD.221 §5.3.3).</summary>
    private static List<OcciAction> KindActions(Kind k) =>
        [.. (k.Parent is null ? [] : KindActions(k.Parent)).Concat(k.Actions).Distinct()];

    /// <summary><c>attribute-def</c>: name plus <c>{immutable}</c>, <c>{required}</c> or <c>{immutable required}</c>.</summary>
    private static string AttributeDef(AttributeSpec a) => (a.Mutable, a.Required) switch
    {
        (true, false) => a.Name,
        (false, false) => a.Name + "{immutable}",
        (true, true) => a.Name + "{required}",
        (false, true) => a.Name + "{immutable required}",
    };

    /// <summary>OCCI link form inside a resource rendering (GFD.229 §5.1; docs/conformance.md):
    /// &lt;target&gt;; rel=target kind; self; category=link kind + mixins; all link attributes.</summary>
    public static string Link(EntityView link)
    {
        var sb = new StringBuilder();
        sb.Append('<').Append(link.Target ?? "").Append('>');
        // The target kind is normally recorded on the link; core#resource is the only
        // identifier that is always true of a link target (GFD.221 §5.4.2) when it is not.
        sb.Append(Sep).Append("rel=").Append(Quote(link.TargetKind ?? Schemes.Core + "resource"));
        sb.Append(Sep).Append("self=").Append(Quote(link.Location));
        var categories = new[] { link.Kind.Id }.Concat(link.Mixins.Select(m => m.Id));
        sb.Append(Sep).Append("category=").Append(Quote(string.Join(' ', categories)));
        foreach (var (name, value) in link.Attributes)
            sb.Append(Sep).Append(Attribute(name, value));
        return sb.ToString();
    }

    /// <summary>Action link (GFD.229 §4.1 ActionLink): the entity's relative location plus
    /// <c>?action=term</c> (docs/conformance.md; the OCCI-WG 1.1 test prepends the service URL itself).</summary>
    public static string ActionLink(string location, OcciAction action) =>
        "<" + location + "?action=" + action.Term + ">" + Sep + "rel=" + Quote(action.Id);

    /// <summary>Absolute URL for X-OCCI-Location and text/uri-list (docs/conformance.md): base URL + relative path.</summary>
    public static string Absolute(string baseUrl, string location)
    {
        if (location.Contains("://", StringComparison.Ordinal)) return location;
        return baseUrl.TrimEnd('/') + (location.StartsWith('/') ? location : "/" + location);
    }
}
