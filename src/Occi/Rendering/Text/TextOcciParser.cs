namespace OcciAgent.Occi.Rendering.Text;

/// <summary>Request parser for <c>text/occi</c> (GFD.229 §7): the rendering is in the HTTP
/// header fields, the body is ignored. Repeated fields and comma lists are both accepted (GFD.229 §7).
/// Other headers (Host, Accept, ...) are not OCCI structures and are skipped.</summary>
public sealed class TextOcciParser : IOcciParser
{
    public OcciDocument Parse(IReadOnlyList<KeyValuePair<string, string>> headers, string body)
    {
        var doc = new OcciDocument();
        foreach (var (name, value) in headers)
        {
            if (TextHeaders.Classify(name) is { } structure)
                TextStructureReader.Add(doc, structure, name, value, "header");
        }
        return doc;
    }
}
