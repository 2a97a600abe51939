using System.Text;

namespace OcciAgent.Net.Dhcp;

/// <summary>The reservations as a dnsmasq <c>--dhcp-hostsfile</c> (one <c>MAC,ADDRESS</c> line
/// each), which dnsmasq re-reads on SIGHUP without dropping leases.</summary>
internal static class DnsmasqHostsFile
{
    public static string Render(IReadOnlyList<DhcpReservation> reservations)
    {
        var sb = new StringBuilder("# written by occi-agent; rewritten on every change\n");
        foreach (var r in reservations.OrderBy(r => r.Mac, StringComparer.Ordinal))
            sb.Append(r.Mac).Append(',').Append(r.Address).Append('\n');
        return sb.ToString();
    }

    /// <summary>Writes through a temporary file and a rename, so a SIGHUP never reads half a file.
    /// World-readable: dnsmasq re-reads it after dropping to its unprivileged user.</summary>
    public static async Task WriteAsync(string path, IReadOnlyList<DhcpReservation> reservations, CancellationToken ct)
    {
        var tmp = path + ".tmp";
        await File.WriteAllTextAsync(tmp, Render(reservations), ct).ConfigureAwait(false);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.Move(tmp, path, overwrite: true);
    }
}
