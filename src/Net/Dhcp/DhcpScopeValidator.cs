using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace OcciAgent.Net.Dhcp;

/// <summary>Checks a scope before any of it reaches a command line or a file. All problems are
/// reported at once, in one <see cref="ArgumentException"/>. IPv4 only: dnsmasq's DHCPv6/RA
/// needs a different configuration and the network model does not ask for it yet. Patterns end
/// in \z, not $, because $ also matches before a final newline, which would smuggle a line into
/// the hosts file or an argument.</summary>
public static partial class DhcpScopeValidator
{
    public static void Validate(DhcpScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var errors = new List<string>();
        if (!IsValidKey(scope.Key))
            errors.Add($"key '{scope.Key}' must be 1 to 10 characters of [a-z0-9]");
        if (!Links.LinkNames.IsValidInterfaceName(scope.Bridge))
            errors.Add($"bridge '{scope.Bridge}' must be an interface name: 1 to 15 characters of [a-zA-Z0-9_.-]");

        if (!IsV4(scope.Subnet))
            errors.Add($"subnet '{scope.Subnet}' must be an IPv4 address (IPv6 is not supported)");
        else if (scope.PrefixLength is < 1 or > 30)
            errors.Add($"prefix length {scope.PrefixLength} must be between 1 and 30 (a DHCP subnet needs host addresses)");
        else if (Num(scope.Subnet) != (Num(scope.Subnet) & Mask(scope.PrefixLength)))
            errors.Add($"subnet {scope.Subnet}/{scope.PrefixLength} has host bits set");
        else
            CheckAddresses(scope, errors);

        if (errors.Count > 0)
            throw new ArgumentException($"DHCP scope of network {scope.NetworkId}: {string.Join("; ", errors)}", nameof(scope));
    }

    /// <summary>Dotted netmask for a prefix length, as dnsmasq's --dhcp-range wants it.</summary>
    public static string Netmask(int prefixLength)
    {
        return Addressing.Ipv4Subnet.FromUInt(Mask(prefixLength)).ToString();
    }

    private static void CheckAddresses(DhcpScope s, List<string> errors)
    {
        var cidr = $"{s.Subnet}/{s.PrefixLength}";
        var startOk = CheckHost(s.RangeStart, "range start", s, errors);
        var endOk = CheckHost(s.RangeEnd, "range end", s, errors);
        if (startOk && endOk && Num(s.RangeStart) > Num(s.RangeEnd))
            errors.Add($"range start {s.RangeStart} is after range end {s.RangeEnd}");
        if (s.Router is not null)
            CheckHost(s.Router, "router", s, errors);

        if (s.Reservations is null)
        {
            errors.Add("reservations must be a list (empty for none)");
            return;
        }
        var macs = new HashSet<string>(StringComparer.Ordinal);
        var addresses = new HashSet<uint>();
        foreach (var r in s.Reservations)
        {
            if (r is null) { errors.Add("a reservation is null"); continue; }
            if (r.Mac is null || !MacPattern().IsMatch(r.Mac))
                errors.Add($"reservation MAC '{r.Mac}' must be six lower-case hex pairs separated by ':'");
            else if (!macs.Add(r.Mac))
                errors.Add($"MAC {r.Mac} is reserved twice");
            if (!CheckHost(r.Address, $"reserved address for {r.Mac}", s, errors))
                continue;
            if (!addresses.Add(Num(r.Address)))
                errors.Add($"address {r.Address} is reserved twice");
            else if (s.Router is not null && r.Address.Equals(s.Router))
                errors.Add($"address {r.Address} reserved for {r.Mac} is the router's ({cidr})");
        }
    }

    /// <summary>True when <paramref name="a"/> is an IPv4 host address of the scope's subnet.</summary>
    private static bool CheckHost(IPAddress? a, string what, DhcpScope s, List<string> errors)
    {
        var cidr = $"{s.Subnet}/{s.PrefixLength}";
        if (!IsV4(a))
        {
            errors.Add($"{what} '{a}' must be an IPv4 address");
            return false;
        }
        var mask = Mask(s.PrefixLength);
        var n = Num(a!);
        if ((n & mask) != Num(s.Subnet))
            errors.Add($"{what} {a} is outside {cidr}");
        else if (n == Num(s.Subnet) || n == (Num(s.Subnet) | ~mask))
            errors.Add($"{what} {a} is the network or broadcast address of {cidr}");
        else
            return true;
        return false;
    }

    private static bool IsV4(IPAddress? a) => a is not null && a.AddressFamily == AddressFamily.InterNetwork;

    private static uint Num(IPAddress a) => Addressing.Ipv4Subnet.ToUInt(a);

    private static uint Mask(int prefix) => Addressing.Ipv4Subnet.Mask(prefix);

    public static bool IsValidKey(string? key) => key is not null && KeyPattern().IsMatch(key);

    [GeneratedRegex(@"^[a-z0-9]{1,10}\z")]
    private static partial Regex KeyPattern();

    [GeneratedRegex(@"^[0-9a-f]{2}(:[0-9a-f]{2}){5}\z")]
    private static partial Regex MacPattern();
}
