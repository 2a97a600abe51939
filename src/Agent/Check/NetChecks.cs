using OcciAgent.Config;
using OcciAgent.Hypervisor.Qemu;

namespace OcciAgent.Check;

/// <summary>What networks need (bridges, taps, DHCP). Without them VMs still run, so nothing
/// here fails the check; each warning names what is missing. No bridge or tap is created: the
/// check looks at the permissions that creating one takes.</summary>
internal static class NetChecks
{
    private const int CapNetAdmin = 12;

    public static async Task<IReadOnlyList<Finding>> RunAsync(AgentOptions o, CancellationToken ct)
    {
        var found = new List<Finding>();
        var tun = Probes.TryOpenReadWrite("/dev/net/tun");
        found.Add(tun is null ? Finding.Ok("/dev/net/tun", "opens read-write") : Finding.Warn("/dev/net/tun", $"{tun}: no taps, so no networkinterfaces"));
        var netAdmin = Probes.HasCapability(CapNetAdmin);
        found.Add(netAdmin
            ? Finding.Ok("CAP_NET_ADMIN", "held (bridges and taps can be created)")
            : Finding.Warn("CAP_NET_ADMIN", "not held: bridges and taps cannot be created (run as root, or as the packaged systemd unit)"));
        var ip = await ToolAsync("ip", o.Ip, ["-V"], "iproute2", ct).ConfigureAwait(false);
        found.Add(ip.Finding);
        found.Add(tun is null && netAdmin && ip.Found
            ? Finding.Ok("bridges and taps", "can be created by this user")
            : Finding.Warn("bridges and taps", "cannot be created by this user (see the lines above); networks stay model-only"));
        var dnsmasq = await ToolAsync("dnsmasq", o.Dnsmasq, ["--version"], "dnsmasq-base", ct).ConfigureAwait(false);
        found.Add(dnsmasq.Finding with { Detail = dnsmasq.Found ? dnsmasq.Finding.Detail : dnsmasq.Finding.Detail + ": networks get no DHCP" });
        return found;
    }

    /// <summary>The tool as the agent runs it: the configured name looked up on PATH, or the
    /// configured path (a PATH without the sbin directories fails here as it would in the agent).</summary>
    private static async Task<(Finding Finding, bool Found)> ToolAsync(string name, string configured, string[] versionArgs, string package, CancellationToken ct)
    {
        var path = HostProbe.FindExecutable(configured);
        if (path is null) return (Finding.Warn(name, $"{configured} not found on PATH (install the Debian package {package}, or set its path in the config)"), false);
        var r = await Probes.RunAsync(path, versionArgs, ct).ConfigureAwait(false);
        if (r is null || r.ExitCode != 0) return (Finding.Warn(name, $"{path} {string.Join(' ', versionArgs)} failed"), false);
        return (Finding.Ok(name, $"{path}: {Probes.FirstLine(r.StandardOutput + r.StandardError)}"), true);
    }
}
