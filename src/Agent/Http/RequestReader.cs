using System.Text;
using Microsoft.AspNetCore.Http;
using OcciAgent.Config;
using OcciAgent.Occi.Model;
using OcciAgent.Occi.Rendering;
using OcciAgent.Occi.Rendering.Text;

namespace OcciAgent.Http;

/// <summary>Turns an HTTP request into an <see cref="OcciDocument"/>: picks the parser by
/// Content-Type with the tolerance of docs/conformance.md (comma lists, no Content-Type), and
/// rewrites absolute URLs of this server into local paths (GFD.223 §4).</summary>
public static class RequestReader
{
    public static List<KeyValuePair<string, string>> Headers(HttpRequest request) =>
        request.Headers.SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key, v ?? ""))).ToList();

    public static bool HasOcciHeaders(HttpRequest request) =>
        request.Headers.Keys.Any(TextHeaders.IsOcciHeader);

    public static async Task<OcciDocument> ReadAsync(HttpRequest request, MediaTypes media, int maxBytes, CancellationToken ct,
        MemoryTrim? trim = null)
    {
        var body = await ReadBodyAsync(request, maxBytes, ct);
        trim?.Note(body.Length * 2L);
        var doc = Parse(request, media, body);
        RequestLimits.Check(doc);
        return doc;
    }

    /// <summary>The body as text, refused with 413 as soon as it passes <paramref name="maxBytes"/>
    /// (announced or read): one buffer of at most the limit, never an unbounded one.</summary>
    public static async Task<string> ReadBodyAsync(HttpRequest request, int maxBytes, CancellationToken ct)
    {
        if (request.ContentLength is { } announced && announced > maxBytes) throw BodyTooLarge(announced, maxBytes);
        var buffer = new byte[(int)Math.Min(request.ContentLength ?? 16 * 1024, maxBytes) + 1];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length > maxBytes) throw BodyTooLarge(null, maxBytes);
                Array.Resize(ref buffer, (int)Math.Min(buffer.Length * 2L, maxBytes + 1L));
            }
            var read = await request.Body.ReadAsync(buffer.AsMemory(length), ct);
            if (read == 0) break;
            length += read;
        }
        if (length > maxBytes) throw BodyTooLarge(null, maxBytes);
        var start = length >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF ? 3 : 0; // a UTF-8 BOM
        return Encoding.UTF8.GetString(buffer, start, length - start);
    }

    private static AgentException BodyTooLarge(long? announced, int maxBytes) =>
        new(AgentError.TooLarge, announced is { } n
            ? $"the request body of {n} bytes is larger than this server's limit of {maxBytes} bytes (maxRequestBytes)"
            : $"the request body is larger than this server's limit of {maxBytes} bytes (maxRequestBytes)");

    private static OcciDocument Parse(HttpRequest request, MediaTypes media, string body)
    {
        var headers = Headers(request);
        IOcciParser parser;
        var contentType = request.ContentType;
        if (string.IsNullOrWhiteSpace(contentType))
        {
            if (HasOcciHeaders(request)) parser = media.ParserFor(MediaTypes.TextOcci)!;
            else if (!string.IsNullOrWhiteSpace(body)) parser = media.ParserFor(MediaTypes.TextPlain)!;
            else return Normalise(new OcciDocument(), request);
        }
        else
        {
            // Some clients send "text/plain,text/occi": the first supported type wins; charset is ignored.
            var types = contentType.Split(',').Select(t => t.Split(';')[0].Trim()).Where(t => t.Length > 0).ToList();
            var chosen = types.FirstOrDefault(t => media.ParserFor(t) is not null)
                ?? throw new AgentException(AgentError.UnsupportedMediaType,
                    $"Content-Type '{contentType}' is not supported; use text/plain, text/occi, application/occi+json, application/json or text/uri-list");
            // A text/plain request with an empty body may still carry its rendering in headers.
            if (chosen is MediaTypes.TextPlain && string.IsNullOrWhiteSpace(body) && HasOcciHeaders(request))
                chosen = MediaTypes.TextOcci;
            parser = media.ParserFor(chosen)!;
        }
        return Normalise(parser.Parse(headers, body), request);
    }

    /// <summary>GET filters travel in request headers in text/occi form (GFD.223 §7).</summary>
    public static OcciDocument ReadFilter(HttpRequest request, MediaTypes media)
    {
        if (!HasOcciHeaders(request)) return new OcciDocument();
        var doc = Normalise(media.HeaderParser.Parse(Headers(request), ""), request);
        RequestLimits.Check(doc);
        return doc;
    }

    private static OcciDocument Normalise(OcciDocument doc, HttpRequest request)
    {
        string Local(string loc) => ToLocalPath(loc, request);
        for (var i = 0; i < doc.Locations.Count; i++) doc.Locations[i] = Local(doc.Locations[i]);
        for (var i = 0; i < doc.Links.Count; i++)
        {
            var l = doc.Links[i];
            doc.Links[i] = l with { Target = Local(l.Target), Attributes = l.Attributes.Select(a => NormaliseAttr(a, Local)).ToList() };
        }
        for (var i = 0; i < doc.Attributes.Count; i++) doc.Attributes[i] = NormaliseAttr(doc.Attributes[i], Local);
        foreach (var more in doc.MoreEntities) Normalise(more, request);
        return doc;
    }

    private static KeyValuePair<string, OcciValue> NormaliseAttr(KeyValuePair<string, OcciValue> a, Func<string, string> local) =>
        a.Key is AttributeNames.Source or AttributeNames.Target && a.Value.Kind == ValueKind.String
            ? new(a.Key, OcciValue.Str(local(a.Value.AsString)))
            : a;

    /// <summary>An absolute URL on this server's authority becomes its path; anything else is
    /// returned unchanged (a relative path, or an external link target as OCCI 1.2 allows).</summary>
    public static string ToLocalPath(string location, HttpRequest request)
    {
        var trimmed = location.Trim();
        if (Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) && (uri.Scheme == "http" || uri.Scheme == "https")
            && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase))
            return Uri.UnescapeDataString(uri.AbsolutePath);
        return trimmed;
    }
}
