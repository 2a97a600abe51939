using OcciAgent.Occi.Catalog;

namespace OcciAgent.Config;

/// <summary>Settings of one agent. Defaults need nothing: loopback port 8080 and a
/// state dir under the working directory; a packaged install points them at /etc and /var/lib.</summary>
public sealed class AgentOptions
{
    /// <summary>Where to serve: http:// and https:// URLs on an IP address, localhost or * (all
    /// addresses), and http://unix:/PATH sockets; all at once (README "Listeners and TLS").</summary>
    public List<string> Listen { get; set; } = ["http://127.0.0.1:8080"];
    /// <summary>PEM certificate (with its chain) for https listeners; null: a self-signed one in
    /// <see cref="TlsDir"/>, generated at first start.</summary>
    public string? TlsCertificate { get; set; }
    /// <summary>PEM private key of <see cref="TlsCertificate"/>.</summary>
    public string? TlsKey { get; set; }
    /// <summary>Plain http on an address other hosts can reach is refused unless this is set.</summary>
    public bool AllowInsecureRemote { get; set; }
    public string StateDir { get; set; } = "./var";
    /// <summary>Provider scheme prefix for templates (GFD.224 §3.5): provider-owned, never under
    /// http://schemas.ogf.org/occi/ (GFD.221 §5.3.1, §5.5.1).</summary>
    public string SchemeBase { get; set; } = $"http://{SafeHost()}/occi/";
    /// <summary>Largest <c>number</c> accepted for pagination (GFD.223 §6: larger → 413).</summary>
    public int MaxPageSize { get; set; } = 1000;
    /// <summary>Largest request body in bytes (larger → 413); bounds the memory of one request.</summary>
    public int MaxRequestBytes { get; set; } = RequestLimits.DefaultMaxRequestBytes;
    /// <summary>Most user mixins the server keeps (GFD.223 §9.3); more → 409.</summary>
    public int MaxUserMixins { get; set; } = RequestLimits.DefaultMaxUserMixins;
    /// <summary>Largest occi.storage.size in GiB accepted at create, update and resize.</summary>
    public double MaxStorageGiB { get; set; } = RequestLimits.DefaultMaxStorageGiB;
    public string QemuImg { get; set; } = "qemu-img";
    /// <summary>The QEMU system emulator (a name looked up on PATH, or a path).</summary>
    public string Qemu { get; set; } = "qemu-system-x86_64";
    /// <summary><c>auto</c> (KVM only where the CPU really has it), <c>kvm</c> or <c>tcg</c>.</summary>
    public string Accelerator { get; set; } = "auto";
    /// <summary>How long a graceful stop or restart waits for the guest before powering off.</summary>
    public double StopTimeoutSeconds { get; set; } = 60;
    /// <summary>Bound of each VM's serial console log.</summary>
    public long ConsoleLogBytes { get; set; } = 1024 * 1024;
    /// <summary>Host interface that carries VLANs (occi.network.vlan) and NAT traffic; none by default.</summary>
    public string? Uplink { get; set; }
    public string Ip { get; set; } = "ip";
    public string Nft { get; set; } = "nft";
    public string Dnsmasq { get; set; } = "dnsmasq";
    /// <summary>Bus for dnsmasq's lease signals: auto (system bus where usable, else a private one), system, private, or an address.</summary>
    public string DhcpBus { get; set; } = "auto";
    /// <summary>Where dnsmasq's pid, lease and hosts files live. dnsmasq re-reads reservations as
    /// its own user, so every parent must be traversable by it (the .deb uses /run/occi-agent/dhcp
    /// because the state dir is 0750).</summary>
    public string? DhcpRunDirSetting { get; set; }
    /// <summary>dnsmasq pings an address before first offering it (~3 s per new lease), a guard
    /// against guests that set their own address; false skips it (--no-ping).</summary>
    public bool DhcpPingCheck { get; set; } = true;
    public string DhcpRunDir => Path.GetFullPath(DhcpRunDirSetting ?? Path.Combine(StateDir, "net", "dhcp"));
    public List<FlavourInfo> Flavours { get; set; } = [.. Templates.DefaultFlavours];
    /// <summary>The config file these settings were read from (null: none); <c>check</c> reports it.</summary>
    public string? ConfigPath { get; set; }
    /// <summary><c>auto</c> (systemd transient units where systemd answers, else daemonized QEMU),
    /// <c>systemd</c> or <c>daemon</c>.</summary>
    public string VmLauncher { get; set; } = "auto";
    /// <summary>D-Bus address of systemd and machined; null means the system bus.</summary>
    public string? SystemdBus { get; set; }
    /// <summary>The slice VM units run in (systemd launcher).</summary>
    public string VmSlice { get; set; } = "occi-vms.slice";

    /// <summary><c>tokens</c> (every request authenticated: a token, or a trusted unix socket
    /// peer) or <c>none</c> (anonymous full access, warned about at every start).</summary>
    public string Auth { get; set; } = "tokens";
    /// <summary>Group that may connect to the agent's unix sockets (mode 0660; when no such group
    /// exists the sockets stay owner-only). Its members and root are admin there without a token.</summary>
    public string SocketGroup { get; set; } = "occi-agent";
    /// <summary>Host header values accepted besides loopback names and the listen address
    /// (<c>name</c> for any port, or <c>name:port</c>).</summary>
    public List<string> AllowedHosts { get; set; } = [];
    /// <summary>Web origins (<c>https://console.example.org</c>) whose pages may call the API (CORS).</summary>
    public List<string> AllowedOrigins { get; set; } = [];

    public string DatabasePath => Path.Combine(StateDir, "occi.db");
    public string ImagesDir => Path.Combine(StateDir, "images");
    public string VolumesDir => Path.Combine(StateDir, "volumes");
    public string VmsDir => Path.Combine(StateDir, "vms");
    public string NetDir => Path.Combine(StateDir, "net");
    public string TlsDir => Path.Combine(StateDir, "tls");

    private static string SafeHost()
    {
        var h = Environment.MachineName.ToLowerInvariant();
        return h.Length > 0 && h.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.') ? h : "localhost";
    }
}
