namespace OcciAgent.Occi.Rendering.Text;

/// <summary>Request parser for <c>text/uri-list</c> (RFC 2483 §5, GFD.229 §8): one URI per line,
/// '#' lines are comments, blank lines skipped. The URIs go to <see cref="OcciDocument.Locations"/>
/// (e.g. a mixin association body).</summary>
public sealed class UriListParser : IOcciParser
{
    public OcciDocument Parse(IReadOnlyList<KeyValuePair<string, string>> headers, string body)
    {
        var doc = new OcciDocument();
        foreach (var raw in body.Split(['\r', '\n']))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (line.Any(char.IsWhiteSpace))
                throw new OcciParseException($"text/uri-list line '{TextLexer.Excerpt(line)}' is not a single URI");
            doc.Locations.Add(line);
        }
        return doc;
    }
}
