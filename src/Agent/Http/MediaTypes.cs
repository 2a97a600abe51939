using OcciAgent.Occi.Rendering;
using OcciAgent.Occi.Rendering.Json;
using OcciAgent.Occi.Rendering.Text;

namespace OcciAgent.Http;

/// <summary>The media types the agent speaks (GFD.229 §6-§8, GFD.226) and content negotiation: q-values,
/// wildcards, text/plain when Accept is absent or */* (GFD.185), 406 when nothing fits.</summary>
public sealed class MediaTypes
{
    public const string TextPlain = "text/plain";
    public const string TextOcciPlain = "text/occi+plain";
    public const string TextOcci = "text/occi";
    public const string UriList = "text/uri-list";
    public const string OcciJson = "application/occi+json";
    public const string Json = "application/json";

    /// <summary>Response Accept header (GFD.223 §5.2).</summary>
    public const string AllAccept = "text/plain, text/occi, text/uri-list, application/occi+json, application/json";
    /// <summary>For OCCI/1.1 user agents: rOCCI-cli 4 picks JSON when the server lists it and then
    /// speaks its pre-1.2 JSON, so JSON is not offered to them (docs/conformance.md, OCCI 1.1 clients).</summary>
    public const string LegacyAccept = "text/plain, text/occi, text/uri-list";

    private readonly Dictionary<string, IOcciRenderer> _renderers;
    private readonly Dictionary<string, IOcciParser> _parsers;

    public MediaTypes()
    {
        var plain = new TextPlainRenderer();
        _renderers = new(StringComparer.OrdinalIgnoreCase)
        {
            [TextPlain] = plain,
            [TextOcciPlain] = plain,
            [TextOcci] = new TextOcciRenderer(),
            [UriList] = new UriListRenderer(),
            [OcciJson] = new JsonRenderer(OcciJson),
            [Json] = new JsonRenderer(Json),
        };
        var plainParser = new TextPlainParser();
        var json = new JsonParser();
        _parsers = new(StringComparer.OrdinalIgnoreCase)
        {
            [TextPlain] = plainParser,
            [TextOcciPlain] = plainParser,
            [TextOcci] = new TextOcciParser(),
            [UriList] = new UriListParser(),
            [OcciJson] = json,
            [Json] = json,
        };
        HeaderParser = (TextOcciParser)_parsers[TextOcci];
    }

    public IOcciRenderer Default => _renderers[TextPlain];

    /// <summary>Reads OCCI structures from request headers (filters on GET, GFD.223 §7).</summary>
    public TextOcciParser HeaderParser { get; }

    public IOcciParser? ParserFor(string mediaType) => _parsers.GetValueOrDefault(mediaType);

    /// <summary>Picks the renderer for an Accept header; null means 406.</summary>
    public IOcciRenderer? Negotiate(string? accept)
    {
        if (string.IsNullOrWhiteSpace(accept)) return Default;
        IOcciRenderer? best = null;
        var bestQ = 0.0;
        foreach (var range in accept.Split(','))
        {
            var parts = range.Split(';');
            var type = parts[0].Trim().ToLowerInvariant();
            var q = 1.0;
            foreach (var p in parts.Skip(1))
            {
                var kv = p.Split('=', 2);
                if (kv.Length == 2 && kv[0].Trim().Equals("q", StringComparison.OrdinalIgnoreCase)
                    && double.TryParse(kv[1].Trim(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var qv))
                    q = qv;
            }
            if (q <= 0) continue;
            var renderer = type switch
            {
                "*/*" or "text/*" => Default,
                "application/*" => _renderers[OcciJson],
                _ => _renderers.GetValueOrDefault(type),
            };
            if (renderer is not null && q > bestQ)
            {
                best = renderer;
                bestQ = q;
            }
        }
        return best;
    }
}
