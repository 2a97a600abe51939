using System.Text;

namespace OcciAgent.Tests.Fuzz;

/// <summary>Seeded generator of hostile requests: a valid request in text/plain, text/occi
/// (rendering in headers) or JSON, then up to four mutations of its body, headers, path, query
/// or method. The same seed and the same answers give the same sequence.</summary>
public sealed class RequestGenerator(int seed)
{
    private const string Infra = "http://schemas.ogf.org/occi/infrastructure#";
    private const string Tags = "http://fuzz.test/tags#";
    private readonly Random _rng = new(seed);

    /// <summary>Entities and user mixins that exist now (kept by the caller from the answers).</summary>
    public List<string> Storages { get; } = [];
    public List<string> Computes { get; } = [];
    public List<string> MixinLocations { get; } = [];

    private static readonly string[] Palette =
    [
        "\0", "\u0001", "\t", "\u001b", "\u007f", "\u0085", "\u2028", "\"", "\\", ";", "=", ",", "{", "}", "[", "]", ":",
        "#", "%", "%7F", "%00", "/", "//", "..", " ", "١", "é", "\ud83d\ude00", "\ufffd", "<", ">", "'", "?", "&", "\r", "\n",
    ];

    private static readonly string[] Numbers =
    [
        "0", "-1", "1e400", "-0", "NaN", "Infinity", "8589934592", "8589934591.999", "16384", "16385", "9223372036854775807",
        "99999999999999999999999", "0.0000001", "١٢", "1,5", "0x10", "\"3\"", "true", "", "10000", "3.5",
    ];

    private static readonly string[] Accepts =
    [
        "text/plain", "text/occi", "application/occi+json", "application/json", "text/uri-list", "*/*", "text/*",
        "application/xml", "text/occi;q=0", "text/plain;q=abc", ",,,", "text/uri-list, text/plain;q=0.1", "\u007f",
    ];

    private static readonly string[] ContentTypes =
    [
        "text/plain", "text/occi", "application/occi+json", "application/json", "text/uri-list", "text/plain,text/occi",
        "text/plain; charset=latin1", "application/xml", "", "multipart/form-data; boundary=x", "text/occi+plain",
    ];

    private static readonly string[] Queries =
    [
        "?page=1", "?page=0", "?number=1001", "?number=-1", "?page=1;number=2", "?page=1&page=2", "?action=bogus", "?action=",
        "?action=offline", "?action=online", "?action=stop", "?foo=bar", "?occi.storage.size=1", "?=x", "?%zz", "?category=storage",
        "?category=" + Uri.EscapeDataString(Infra + "compute"), "?page=99999999999999", "?number=%7F",
    ];

    private static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "FOO"];

    public FuzzRequest Next()
    {
        var r = Valid();
        var mutations = _rng.Next(5);
        for (var i = 0; i < mutations; i++) r = Mutate(r);
        return r;
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_rng.Next(items.Count)];

    private string Storage() => Storages.Count > 0 ? Pick(Storages) : "/storage/none";
    private string Compute() => Computes.Count > 0 ? Pick(Computes) : "/compute/none";

    private static string Cat(string term, string scheme, string cls) => $"{term}; scheme=\"{scheme}\"; class=\"{cls}\"";

    /// <summary>A request that, unmutated, is valid (or a well-formed refusal such as a 409).</summary>
    private FuzzRequest Valid()
    {
        var n = _rng.Next(1000);
        var title = "t" + n;
        var tag = "m" + n;
        (string Method, string Path, List<(string, string)> Fields) shape = _rng.Next(16) switch
        {
            0 when Storages.Count < 8 => ("POST", "/storage/", [("Category", Cat("storage", Infra, "kind")), ("X-OCCI-Attribute", "occi.storage.size=0.001"), ("X-OCCI-Attribute", $"occi.core.title=\"{title}\"")]),
            1 when Computes.Count < 8 => ("POST", "/compute/", [("Category", Cat("compute", Infra, "kind")), ("Category", Cat("small", "http://node.test/occi/infrastructure/resource_tpl#", "mixin")), ("X-OCCI-Attribute", $"occi.core.title=\"{title}\"")]),
            2 => ("POST", Compute(), [("X-OCCI-Attribute", $"occi.core.title=\"{title}\""), ("X-OCCI-Attribute", "occi.compute.memory=0.5")]),
            3 => ("POST", Storage() + "?action=" + Pick(["offline", "online", "resize"]), [("Category", Cat("offline", Infra.Replace("#", "/storage/action#"), "action"))]),
            4 => ("PUT", Compute(), [("Category", Cat("compute", Infra, "kind")), ("X-OCCI-Attribute", "occi.compute.cores=1")]),
            5 => ("DELETE", _rng.Next(2) == 0 ? Storage() : Compute(), []),
            6 when MixinLocations.Count < 30 => ("POST", "/-/", [("Category", Cat(tag, Tags, "mixin") + $"; location=\"/fuzz/{tag}/\"; title=\"tag {n}\"")]),
            7 => ("DELETE", "/-/", [("Category", Cat(MixinLocations.Count > 0 ? Pick(MixinLocations).Split('/')[2] : tag, Tags, "mixin"))]),
            8 => ("POST", MixinLocations.Count > 0 ? Pick(MixinLocations) : "/fuzz/none/", [("X-OCCI-Location", Storage())]),
            9 => ("POST", "/storagelink/", [("Category", Cat("storagelink", Infra, "kind")), ("X-OCCI-Attribute", $"occi.core.source=\"{Compute()}\""), ("X-OCCI-Attribute", $"occi.core.target=\"{Storage()}\"")]),
            10 => ("POST", Storage(), [("X-OCCI-Attribute", "occi.storage.size=0.002"), ("X-OCCI-Attribute", $"occi.core.summary=\"{title}\"")]),
            11 => ("GET", "/-/", [("Category", Cat("compute", Infra, "kind"))]),
            12 => ("GET", Pick(["/", "/storage/", "/compute/", "/resource/", "/link/"]), [("X-OCCI-Attribute", $"occi.core.title=\"{title}\"")]),
            13 => ("POST", "/compute/", [("Category", Cat("compute", Infra, "kind")), ("Category", Cat("user_data", Infra.Replace("#", "/compute#"), "mixin")), ("X-OCCI-Attribute", "occi.compute.userdata=\"I2Nsb3VkLWNvbmZpZwo=\"")]),
            _ => ("GET", Pick(["/", "/-/", "/storage/", "/compute/", Storage(), Compute(), "/mixin/os_tpl/", "/host"]), []),
        };
        var headers = new List<(string, string)> { ("Accept", Pick(new[] { "text/plain", "text/occi", "application/occi+json" })) };
        var style = _rng.Next(3);
        if (shape.Method is "GET" or "DELETE" && shape.Fields.Count > 0 || style == 1)
        {
            // text/occi: the rendering travels in headers (GFD.229 §7); GET filters always do.
            foreach (var f in shape.Fields) headers.Add(f);
            return new FuzzRequest(shape.Method, shape.Path, shape.Method is "GET" or "DELETE" ? null : "text/occi", null, headers);
        }
        if (shape.Fields.Count == 0) return new FuzzRequest(shape.Method, shape.Path, null, null, headers);
        if (style == 2) return new FuzzRequest(shape.Method, shape.Path, "application/occi+json", Json(shape.Fields), headers);
        var body = string.Concat(shape.Fields.Select(f => $"{f.Item1}: {f.Item2}\r\n"));
        return new FuzzRequest(shape.Method, shape.Path, "text/plain", body, headers);
    }

    /// <summary>The same fields as GFD.226 JSON (an approximation: the mutations do the rest).</summary>
    private static string Json(List<(string Name, string Value)> fields)
    {
        var sb = new StringBuilder("{");
        var kind = fields.FirstOrDefault(f => f.Name == "Category").Value;
        if (kind is not null) sb.Append("\"kind\":\"").Append(Infra).Append(kind.Split(';')[0]).Append("\",");
        var attrs = fields.Where(f => f.Name == "X-OCCI-Attribute").Select(f => f.Value.Split('=', 2)).ToList();
        sb.Append("\"attributes\":{").Append(string.Join(",", attrs.Select(a => $"\"{a[0]}\":{(a[1].StartsWith('"') ? a[1] : a[1])}"))).Append('}');
        var locs = fields.Where(f => f.Name == "X-OCCI-Location").Select(f => f.Value).ToList();
        if (locs.Count > 0) sb.Append(",\"resources\":[").Append(string.Join(",", locs.Select(l => $"\"{l}\""))).Append(']');
        return sb.Append('}').ToString();
    }

    private FuzzRequest Mutate(FuzzRequest r) => _rng.Next(12) switch
    {
        0 or 1 or 2 when r.Body is { Length: > 0 } b => r with { Body = MutateText(b) },
        3 when r.Headers.Count > 1 => MutateHeader(r),
        4 => r with { Headers = [.. r.Headers.Where(h => h.Name != "Accept"), ("Accept", Pick(Accepts))] },
        5 => r with { ContentType = Pick(ContentTypes) },
        6 => r with { Path = MutatePath(r.Path) },
        7 => r with { Path = r.Path.Split('?')[0] + Pick(Queries) },
        8 => r with { Method = Pick(Methods) },
        9 => r with { Headers = [.. r.Headers, ("User-Agent", Pick(new[] { "OCCI/1.3", "OCCI/١.٣", "OCCI/1.1", "OCCI/99999.1", "rOCCI-api/4.3 OCCI/1.2", "x\u007f" }))] },
        10 when r.Body is { Length: > 0 } b => r with { Body = RepeatLine(b) },
        _ => r with { Body = (r.Body ?? "") + Pick(new[] { "X-OCCI-Attribute: occi.core.title=\"" + new string('x', _rng.Next(5000)) + "\"\r\n", "Link: <" + Storage() + ">; rel=\"" + Infra + "storage\"\r\n", "X-OCCI-Location: " + Storage() + "\r\n", "Category: " + Cat("x", Tags, "mixin") + "\r\n" }) },
    };

    private string MutateText(string s)
    {
        var at = _rng.Next(s.Length + 1);
        switch (_rng.Next(5))
        {
            case 0: return s.Insert(at, Pick(Palette));
            case 1: return s.Remove(at, Math.Min(s.Length - at, _rng.Next(1, 12)));
            case 2: return s[..at];
            case 3:
            {
                // A number becomes an extreme one.
                var digit = s.IndexOfAny("0123456789".ToCharArray(), at);
                if (digit < 0) return s + Pick(Numbers);
                var end = digit;
                while (end < s.Length && (char.IsAsciiDigit(s[end]) || s[end] == '.')) end++;
                return s[..digit] + Pick(Numbers) + s[end..];
            }
            default:
            {
                var quote = s.IndexOf('"', at);
                if (quote < 0) return s.Insert(at, Pick(Palette));
                return s.Insert(quote + 1, _rng.Next(3) == 0 ? new string('y', _rng.Next(4090, 4100)) : Pick(Palette));
            }
        }
    }

    private FuzzRequest MutateHeader(FuzzRequest r)
    {
        var i = 1 + _rng.Next(r.Headers.Count - 1);
        var list = r.Headers.ToList();
        if (_rng.Next(4) == 0) list.Insert(i, list[i]);
        else list[i] = (list[i].Name, MutateText(list[i].Value));
        return r with { Headers = list };
    }

    private string MutatePath(string path) => _rng.Next(6) switch
    {
        0 => path + Pick(Palette).Replace("\0", "%00"),
        1 => path.TrimEnd('/') + "/" + Pick(new[] { "%7F", "%00", "..", "x y", "%2e%2e", "é", "١" }),
        2 => Pick(new[] { "/storage/%7F", "/compute/..%2f", "/-", "/.well-known/org/ogf/occi/-/", "/mixin/", "/link/", "/entity/" }),
        3 => path + "/" + path,
        4 => path.Length > 1 ? path[..^1] : path,
        _ => path.ToUpperInvariant(),
    };

    private string RepeatLine(string body)
    {
        var lines = body.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var line = Pick(lines);
        var times = Pick(new[] { 2, 10, 999, 1000, 1001 });
        return body + string.Concat(Enumerable.Repeat(line + "\r\n", times));
    }
}
