using System.Text.Json;

namespace OcciAgent.Net.Links;

/// <summary>One network interface as <c>ip -j -d link show</c> reports it.</summary>
/// <param name="AdminUp">The UP flag: the link is administratively up (a bridge without ports
/// has operstate DOWN but is still up).</param>
/// <param name="Parent">The lower link (a VLAN's uplink).</param>
/// <param name="VlanId">A VLAN link's 802.1q id.</param>
public sealed record LinkInfo(string Name, string? Kind, bool AdminUp, string OperState, string? Master, string? Alias,
    string? Parent = null, int? VlanId = null)
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
            int? vlan = kind == "vlan" && li.TryGetProperty("info_data", out var data) && data.TryGetProperty("id", out var id)
                && id.TryGetInt32(out var v) ? v : null;
            list.Add(new LinkInfo(Str(l, "ifname") ?? "", kind, flags.Contains("UP"), Str(l, "operstate") ?? "UNKNOWN",
                Str(l, "master"), Str(l, "ifalias"), Str(l, "link"), vlan));
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
