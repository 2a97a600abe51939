using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace OcciAgent.Net.Dhcp;

/// <summary>Reads dnsmasq's lease file, so leases survive an agent restart (signals only report
/// changes). Line format: <c>EXPIRY MAC ADDRESS HOSTNAME CLIENTID</c>, hostname <c>*</c> when
/// unknown, expiry 0 for infinite; DHCPv6 lines (a <c>duid</c> line, then IAID instead of MAC)
/// are skipped.</summary>
internal static class LeaseFile
{
    public static IReadOnlyList<DhcpLease> Read(string path, string key, DateTimeOffset now)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return [];
        }
        return Parse(lines, key, now);
    }

    public static IReadOnlyList<DhcpLease> Parse(IEnumerable<string> lines, string key, DateTimeOffset now)
    {
        var leases = new List<DhcpLease>();
        foreach (var line in lines)
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 4 || !long.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out var expiry))
                continue;
            if (expiry != 0 && expiry <= now.ToUnixTimeSeconds())
                continue;
            if (!IPAddress.TryParse(f[2], out var address) || address.AddressFamily != AddressFamily.InterNetwork)
                continue;
            leases.Add(new DhcpLease(key, f[1].ToLowerInvariant(), address, f[3] == "*" ? null : f[3]));
        }
        return leases;
    }
}
