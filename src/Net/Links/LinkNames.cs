using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace OcciAgent.Net.Links;

/// <summary>Names and ownership marks of the links the agent creates.
/// A name is a fixed prefix plus a stable short key of the entity id: 5 + 10 = 15 characters,
/// the kernel's limit (IFNAMSIZ - 1). Every link the agent creates also carries the alias
/// <c>occi-agent:KIND:ENTITY-ID</c>; reconcile removes only links with both our prefix and our
/// alias, so nothing on the host that the agent did not create is ever touched.</summary>
public static partial class LinkNames
{
    public const string BridgePrefix = "occib", TapPrefix = "occit", VlanPrefix = "occiv";
    public const string AliasPrefix = "occi-agent:";

    /// <summary>10 hex digits of SHA-256 of the entity id: stable across restarts and hosts,
    /// collision-free in practice for the entities of one host (40 bits).</summary>
    public static string Key(string entityId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(entityId)).AsSpan(0, 5));

    public static string Bridge(string networkId) => BridgePrefix + Key(networkId);
    public static string Tap(string linkId) => TapPrefix + Key(linkId);
    public static string Vlan(string networkId) => VlanPrefix + Key(networkId);

    public static string Alias(string kind, string entityId) => $"{AliasPrefix}{kind}:{entityId}";

    /// <summary>The (kind, entity id) of a link the agent created, or null for any other link.</summary>
    public static (string Kind, string EntityId)? Owner(LinkInfo link)
    {
        if (link.Alias is not { } a || !a.StartsWith(AliasPrefix, StringComparison.Ordinal)) return null;
        if (!OurName().IsMatch(link.Name)) return null;
        var rest = a[AliasPrefix.Length..];
        var colon = rest.IndexOf(':');
        if (colon <= 0 || colon == rest.Length - 1) return null;
        var (kind, id) = (rest[..colon], rest[(colon + 1)..]);
        // The name must be the one derived from the id: a hand-made alias on a foreign link does not count.
        var expected = kind switch { "network" => Bridge(id), "networkinterface" => Tap(id), "vlan" => Vlan(id), _ => null };
        return expected == link.Name ? (kind, id) : null;
    }

    [GeneratedRegex("^occi[btv][0-9a-f]{10}$")]
    private static partial Regex OurName();

    /// <summary>Interface names the kernel accepts and we pass on: 1-15 of [A-Za-z0-9_.-], not
    /// "." or "..". \z, not $: $ also matches before a final newline, which would carry a line
    /// into an nft script or a dnsmasq argument.</summary>
    public static bool IsValidInterfaceName(string? name) =>
        name is not null and not ("." or "..") && InterfaceName().IsMatch(name);

    [GeneratedRegex(@"^[A-Za-z0-9_.-]{1,15}\z")]
    private static partial Regex InterfaceName();
}
