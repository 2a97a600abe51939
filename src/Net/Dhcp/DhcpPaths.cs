using System.Text.RegularExpressions;

namespace OcciAgent.Net.Dhcp;

/// <summary>The files one scope's dnsmasq owns in the run directory. The names are the only way
/// leftovers are recognised, so everything the server creates goes through here.</summary>
internal sealed partial record DhcpPaths(string PidFile, string LeaseFile, string HostsFile)
{
    public static DhcpPaths For(string runDir, string key) => new(
        Path.Combine(runDir, $"dnsmasq-{key}.pid"),
        Path.Combine(runDir, $"dnsmasq-{key}.leases"),
        Path.Combine(runDir, $"dnsmasq-{key}.hosts"));

    public IEnumerable<string> All => [PidFile, LeaseFile, HostsFile];

    /// <summary>The scope key of a file this server created, or null for any other file.</summary>
    public static string? KeyOf(string fileName)
    {
        var m = OwnFile().Match(fileName);
        return m.Success ? m.Groups[1].Value : null;
    }

    [GeneratedRegex(@"^dnsmasq-([a-z0-9]{1,10})\.(pid|leases|hosts)(\.tmp)?\z")]
    private static partial Regex OwnFile();
}
