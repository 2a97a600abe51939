using System.Text.Json;

namespace OcciAgent.Net.Links;

/// <summary>One network interface as <c>ip -j -d link show</c> reports it.</summary>
/// <param name="AdminUp">The UP flag: the link is administratively up (a bridge without ports
/// has operstate DOWN but is still up).</param>
public sealed record LinkInfo(string Name, string? Kind, bool AdminUp, string OperState, string? Master, string? Alias, string? Mac)
{
    public static IReadOnlyList<LinkInfo> ParseList(string json)
    {
        using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "[]" : json);
        var list = new List<LinkInfo>();
        foreach (var l in doc.RootElement.EnumerateArray())
        {
            var flags = l.TryGetProperty("flags", out var f) ? f.EnumerateArray().Select(x => x.GetString()).ToList() : [];
            string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var kind = l.TryGetProperty("linkinfo", out var li) ? Str(li, "info_kind") : null;
            list.Add(new LinkInfo(Str(l, "ifname") ?? "", kind, flags.Contains("UP"), Str(l, "operstate") ?? "UNKNOWN",
                Str(l, "master"), Str(l, "ifalias"), Str(l, "address")));
        }
        return list;
    }
}

/// <summary>An IPv4 address on a link (<c>ip -j addr show</c>).</summary>
public sealed record LinkAddress(string Address, int PrefixLength)
{
    public override string ToString() => $"{Address}/{PrefixLength}";

    public static IReadOnlyList<LinkAddress> ParseList(string json)
    {
        using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "[]" : json);
        var list = new List<LinkAddress>();
        foreach (var l in doc.RootElement.EnumerateArray())
            if (l.TryGetProperty("addr_info", out var ai))
                foreach (var a in ai.EnumerateArray())
                    if (a.TryGetProperty("family", out var fam) && fam.GetString() == "inet")
                        list.Add(new LinkAddress(a.GetProperty("local").GetString()!, a.GetProperty("prefixlen").GetInt32()));
        return list;
    }
}
