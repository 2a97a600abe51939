using OcciAgent.Config.Settings;
using OcciAgent.Occi.Catalog;

namespace OcciAgent.Config;

/// <summary>Settings of one agent, one object per subsystem, bound from configuration by
/// <see cref="AgentConfiguration"/> (defaults &lt; config file &lt; environment &lt; flags).
/// Defaults need nothing: loopback port 8080 and a state dir under the working
/// directory; a packaged install points them at /etc and /var/lib.</summary>
public sealed class AgentOptions
{
    public HttpSettings Http { get; set; } = new();
    public StorageSettings Storage { get; set; } = new();
    public VmSettings Vms { get; set; } = new();
    public NetworkSettings Network { get; set; } = new();
    public DhcpSettings Dhcp { get; set; } = new();
    public SystemdSettings Systemd { get; set; } = new();

    /// <summary>Where to serve: http:// and https:// URLs on an IP address, localhost or * (all
    /// addresses), and http://unix:/PATH sockets; all at once (README "Listeners and TLS"). A list
    /// from a higher source replaces a lower one's whole, so it is not left to the binder (which merges).</summary>
    public List<string> Listen { get; set; } = ["http://127.0.0.1:8080"];
    /// <summary>resource_tpl flavours (GFD.224 §3.1); a configured list replaces the defaults.</summary>
    public List<FlavourInfo> Flavours { get; set; } = [.. Templates.DefaultFlavours];
    /// <summary>The config file these settings were read from (null: none); <c>check</c> reports it.</summary>
    public string? ConfigPath { get; set; }

    internal static readonly SettingKey[] Keys = [new("listen", SettingShape.StringOrList), new("flavours", SettingShape.ObjectList)];

    // Accessors by the config keys' names: the one place each setting lives is its subsystem
    // object above; these read and write it there (enums as their lower-case config words).
    public string? TlsCertificate { get => Http.Tls.Certificate; set => Http.Tls.Certificate = value; }
    public string? TlsKey { get => Http.Tls.Key; set => Http.Tls.Key = value; }
    public bool AllowInsecureRemote { get => Http.AllowInsecureRemote; set => Http.AllowInsecureRemote = value; }
    public string SchemeBase { get => Http.SchemeBase; set => Http.SchemeBase = value; }
    public int MaxPageSize { get => Http.MaxPageSize; set => Http.MaxPageSize = value; }
    public int MaxRequestBytes { get => Http.MaxRequestBytes; set => Http.MaxRequestBytes = value; }
    public int MaxUserMixins { get => Http.MaxUserMixins; set => Http.MaxUserMixins = value; }
    public string SocketGroup { get => Http.SocketGroup; set => Http.SocketGroup = value; }
    public List<string> AllowedHosts { get => Http.AllowedHosts; set => Http.AllowedHosts = value; }
    public List<string> AllowedOrigins { get => Http.AllowedOrigins; set => Http.AllowedOrigins = value; }
    public string StateDir { get => Storage.StateDir; set => Storage.StateDir = value; }
    public double MaxStorageGiB { get => Storage.MaxStorageGiB; set => Storage.MaxStorageGiB = value; }
    public string QemuImg { get => Storage.QemuImg; set => Storage.QemuImg = value; }
    public string Qemu { get => Vms.Qemu; set => Vms.Qemu = value; }
    public string Accelerator { get => SettingEnum.Name(Vms.Accelerator); set => Vms.Accelerator = Parse<AcceleratorMode>("accelerator", value); }
    public double StopTimeoutSeconds { get => Vms.StopTimeoutSeconds; set => Vms.StopTimeoutSeconds = value; }
    public long ConsoleLogBytes { get => Vms.ConsoleLogBytes; set => Vms.ConsoleLogBytes = value; }
    public string? Uplink { get => Network.Uplink; set => Network.Uplink = value; }
    public string Ip { get => Network.Ip; set => Network.Ip = value; }
    public string Nft { get => Network.Nft; set => Network.Nft = value; }
    public string Dnsmasq { get => Dhcp.Dnsmasq; set => Dhcp.Dnsmasq = value; }
    public string DhcpBus { get => Dhcp.DhcpBus; set => Dhcp.DhcpBus = value; }
    public string? DhcpRunDirSetting { get => Dhcp.DhcpRunDir; set => Dhcp.DhcpRunDir = value; }
    public bool DhcpPingCheck { get => Dhcp.DhcpPingCheck; set => Dhcp.DhcpPingCheck = value; }
    public string? SystemdBus { get => Systemd.SystemdBus; set => Systemd.SystemdBus = value; }
    public string VmSlice { get => Systemd.VmSlice; set => Systemd.VmSlice = value; }

    public string DhcpRunDir => Dhcp.RunDir(StateDir);
    public string DatabasePath => Path.Combine(StateDir, "occi.db");
    public string ImagesDir => Path.Combine(StateDir, "images");
    public string VolumesDir => Path.Combine(StateDir, "volumes");
    public string VmsDir => Path.Combine(StateDir, "vms");
    public string NetDir => Path.Combine(StateDir, "net");
    public string TlsDir => Path.Combine(StateDir, "tls");

    private static T Parse<T>(string key, string value) where T : struct, Enum =>
        SettingEnum.TryParse<T>(value, out var v) ? v : throw new ConfigException(SettingEnum.Problem<T>(key, value));
}
