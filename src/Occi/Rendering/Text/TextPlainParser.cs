namespace OcciAgent.Occi.Rendering.Text;

/// <summary>Request parser for <c>text/plain</c> and its alias <c>text/occi+plain</c>
/// (GFD.229 §6): the four structures as body lines. Headers are ignored. Lines may end in LF,
/// CRLF or LF CR (pOCCI); blank lines are skipped (GFD.229 §6; docs/conformance.md).</summary>
public sealed class TextPlainParser : IOcciParser
{
    public OcciDocument Parse(IReadOnlyList<KeyValuePair<string, string>> headers, string body)
    {
        var doc = new OcciDocument();
        // Splitting on both CR and LF covers every line-end form; the empty pieces are skipped.
        foreach (var raw in body.Split(['\r', '\n']))
        {
            var line = raw.Trim();
            if (line.Length == 0) continue;
            var colon = line.IndexOf(':');
            var structure = colon > 0 ? TextHeaders.Classify(line[..colon]) : null;
            if (structure is null)
                throw new OcciParseException(
                    $"text/plain body line '{TextLexer.Excerpt(line)}' is not a Category, Link, X-OCCI-Attribute or X-OCCI-Location line");
            TextStructureReader.Add(doc, structure.Value, line[..colon].Trim(), line[(colon + 1)..], "line");
        }
        return doc;
    }
}
