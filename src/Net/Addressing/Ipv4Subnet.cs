using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace OcciAgent.Net.Addressing;

/// <summary>An IPv4 network in CIDR notation (GFD.224 §3.5.1 occi.network.address). The agent's
/// bridges, DHCP ranges and NAT are IPv4 only; IPv6 is refused with a message saying so.</summary>
public sealed record Ipv4Subnet(IPAddress Network, int PrefixLength, IPAddress Given)
{
    /// <summary>Parses "10.1.0.0/24"; host bits are allowed ("10.1.0.1/24" names an address in
    /// the network) and kept in <see cref="Given"/>.</summary>
    public static Ipv4Subnet Parse(string cidr, string what)
    {
        var slash = cidr.IndexOf('/');
        if (slash < 0 || !IPAddress.TryParse(cidr[..slash], out var ip) || !int.TryParse(cidr[(slash + 1)..], out var len))
            throw new ArgumentException($"{what} '{cidr}' is not in CIDR notation (e.g. 10.20.0.0/24)");
        if (ip.AddressFamily != AddressFamily.InterNetwork)
            throw new ArgumentException($"{what} '{cidr}': only IPv4 networks are supported");
        if (len is < 8 or > 30)
            throw new ArgumentException($"{what} '{cidr}': the prefix length must be between 8 and 30 (room for a gateway and guests)");
        var net = ToUInt(ip) & Mask(len);
        return new Ipv4Subnet(FromUInt(net), len, ip);
    }

    public static IPAddress ParseAddress(string text, string what)
    {
        var s = text.Split('/')[0];
        if (!IPAddress.TryParse(s, out var ip) || ip.AddressFamily != AddressFamily.InterNetwork || s.Count(c => c == '.') != 3)
            throw new ArgumentException($"{what} '{text}' is not an IPv4 address");
        return ip;
    }

    public IPAddress Broadcast => FromUInt(ToUInt(Network) | ~Mask(PrefixLength));
    public bool GivenIsHost => !Given.Equals(Network);

    public bool Contains(IPAddress a) =>
        a.AddressFamily == AddressFamily.InterNetwork && (ToUInt(a) & Mask(PrefixLength)) == ToUInt(Network);

    /// <summary>A usable host address: inside, not the network or broadcast address.</summary>
    public bool IsHost(IPAddress a) => Contains(a) && !a.Equals(Network) && !a.Equals(Broadcast);

    /// <summary>The DHCP pool: the longer run of host addresses on either side of the gateway
    /// (all hosts when there is none), so the gateway is never handed out.</summary>
    public (IPAddress Start, IPAddress End) Pool(IPAddress? gateway)
    {
        uint first = ToUInt(Network) + 1, last = ToUInt(Broadcast) - 1;
        if (gateway is null || !IsHost(gateway)) return (FromUInt(first), FromUInt(last));
        var g = ToUInt(gateway);
        return g - first >= last - g
            ? (FromUInt(first), FromUInt(g - 1))
            : (FromUInt(g + 1), FromUInt(last));
    }

    public override string ToString() => $"{Network}/{PrefixLength}";

    internal static uint Mask(int len) => len == 0 ? 0 : uint.MaxValue << (32 - len);
    internal static uint ToUInt(IPAddress a) => BinaryPrimitives.ReadUInt32BigEndian(a.GetAddressBytes());
    internal static IPAddress FromUInt(uint v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, v);
        return new IPAddress(b);
    }
}
