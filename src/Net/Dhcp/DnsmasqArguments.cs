using System.Globalization;

namespace OcciAgent.Net.Dhcp;

/// <summary>The dnsmasq command line for one (validated) scope. Pure, so it is golden-tested.</summary>
internal static class DnsmasqArguments
{
    public static IReadOnlyList<string> Build(DhcpScope scope, DhcpPaths paths, DhcpOptions options)
    {
        var mask = DhcpScopeValidator.Netmask(scope.PrefixLength);
        var lease = (long)Math.Max(120, options.LeaseTime.TotalSeconds); // dnsmasq's minimum is 2 min
        var args = new List<string>
        {
            // The agent supervises the process itself, and its stderr is the agent's log.
            "--keep-in-foreground",
            "--log-facility=-",
            // Never /etc/dnsmasq.conf or /etc/dnsmasq.d: a host-wide dnsmasq config must not leak in.
            "--conf-file=/dev/null",
            // DHCP only: guests get no DNS server from us (no --port means a resolver on :53).
            "--port=0",
            // This bridge only, bound at start (the bridge must exist and carry an address in the subnet).
            $"--interface={scope.Bridge}",
            "--bind-interfaces",
            "--except-interface=lo",
            $"--dhcp-range={scope.RangeStart},{scope.RangeEnd},{mask},{lease.ToString(CultureInfo.InvariantCulture)}",
            // Without a gateway dnsmasq would announce itself as router; an empty option 3 suppresses it.
            scope.Router is null ? "--dhcp-option=option:router" : $"--dhcp-option=option:router,{scope.Router}",
            $"--dhcp-leasefile={paths.LeaseFile}",
            $"--dhcp-hostsfile={paths.HostsFile}",
            $"--pid-file={paths.PidFile}",
            $"--enable-dbus={DhcpBusName.For(scope.Key)}",
            // The bridge is ours: NAK requests for addresses we did not hand out, so guests moved
            // between networks renew at once instead of waiting for their lease to time out.
            "--dhcp-authoritative",
            $"--user={options.User}",
        };
        if (!options.PingCheck)
            args.Add("--no-ping");
        return args;
    }
}
