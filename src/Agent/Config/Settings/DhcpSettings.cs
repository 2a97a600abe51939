using OcciAgent.Net.Dhcp;

namespace OcciAgent.Config.Settings;

/// <summary>DHCP for dynamic networks: dnsmasq, its bus and its run directory.</summary>
public sealed class DhcpSettings
{
    public string Dnsmasq { get; set; } = "dnsmasq";
    /// <summary><c>auto</c> (system bus where usable, else a private one), <c>system</c>,
    /// <c>private</c>, or a D-Bus address (<c>unix:path=...</c>); see <see cref="BusKind"/>.</summary>
    public string DhcpBus { get; set; } = "auto";
    /// <summary>Where dnsmasq's pid, lease and hosts files live. dnsmasq re-reads reservations as
    /// its own user, so every parent must be traversable by it (the .deb uses /run/occi-agent/dhcp
    /// because the state dir is 0750). Null: net/dhcp in the state dir.</summary>
    public string? DhcpRunDir { get; set; }
    /// <summary>dnsmasq pings an address before first offering it (~3 s per new lease), a guard
    /// against guests that set their own address; false skips it (--no-ping).</summary>
    public bool DhcpPingCheck { get; set; } = true;

    /// <summary>What <see cref="DhcpBus"/> names; null when it is none of them.</summary>
    public DhcpBusKind? BusKind =>
        SettingEnum.TryParse<DhcpBusKind>(DhcpBus, out var k) && k != DhcpBusKind.Address ? k
            : DhcpBus.Contains('=') ? DhcpBusKind.Address : null;

    /// <summary>The dnsmasq server's options (src/Net): built here and nowhere else.</summary>
    public DhcpOptions ToDhcpOptions(string stateDir) =>
        new(RunDir(stateDir), Dnsmasq, DhcpBus) { PingCheck = DhcpPingCheck };

    public string RunDir(string stateDir) => Path.GetFullPath(DhcpRunDir ?? Path.Combine(stateDir, "net", "dhcp"));

    internal static readonly SettingKey[] Keys =
    [
        new("dnsmasq", SettingShape.String), new("dhcpBus", SettingShape.String), new("dhcpRunDir", SettingShape.String),
        new("dhcpPingCheck", SettingShape.Bool),
    ];
}
