namespace OcciAgent.Net.Dhcp;

/// <summary>Per-scope D-Bus service name. Several dnsmasq instances share one bus, so each gets
/// its own name; dnsmasq 2.90 then also uses that name as the interface of its signals (measured
/// with dbus-monitor: path <c>/uk/org/thekelleys/dnsmasq</c>, interface = the name).</summary>
public static class DhcpBusName
{
    /// <summary>The prefix packaging/dbus/occi-agent-dnsmasq.conf lets root own on the system bus.</summary>
    public const string Prefix = "org.ogf.occi.agent.dhcp";

    /// <summary>dnsmasq's fixed object path for its signals.</summary>
    public const string SignalPath = "/uk/org/thekelleys/dnsmasq";

    /// <summary>A bus name element may not start with a digit, and keys may: hence the "n".</summary>
    public static string For(string key) => $"{Prefix}.n{key}";

    /// <summary>Owned briefly at start to learn whether the bus's policy admits our names.</summary>
    public static string Probe => $"{Prefix}.probe";
}
