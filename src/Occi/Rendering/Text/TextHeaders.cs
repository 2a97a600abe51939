namespace OcciAgent.Occi.Rendering.Text;

/// <summary>The four structures of the OCCI text renderings (GFD.229 §4).</summary>
internal enum TextStructure { Category, Link, Attribute, Location }

/// <summary>Header / line names of the text renderings. Emission uses the exact names of the
/// GFD.229 §4.1 ABNF; recognition is lenient (docs/conformance.md): case-insensitive, the
/// rOCCI-core 5 spellings <c>X-OCCI-Category</c>/<c>X-OCCI-Link</c>, and '_' for '-'.</summary>
public static class TextHeaders
{
    public const string Category = "Category";
    public const string Link = "Link";
    public const string Attribute = "X-OCCI-Attribute";
    public const string Location = "X-OCCI-Location";
    /// <summary>Error message header of text/occi responses (docs/conformance.md).</summary>
    public const string Error = "X-OCCI-Error";

    /// <summary>True when <paramref name="name"/> is one of the four OCCI structure names in any
    /// accepted spelling (used to sniff a request without Content-Type, docs/conformance.md).</summary>
    public static bool IsOcciHeader(string name) => Classify(name) is not null;

    internal static TextStructure? Classify(string name)
    {
        var n = name.Trim().Replace('_', '-').ToLowerInvariant();
        return n switch
        {
            "category" or "x-occi-category" => TextStructure.Category,
            "link" or "x-occi-link" => TextStructure.Link,
            "x-occi-attribute" => TextStructure.Attribute,
            "x-occi-location" => TextStructure.Location,
            _ => null,
        };
    }
}
