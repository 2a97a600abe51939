using System.Text.Json;
using OcciAgent.Occi.Catalog;

namespace OcciAgent.Config;

/// <summary>What the command line asked for.</summary>
public enum CommandKind { Run, Help, Version, Check, Token }

/// <summary>A bad command line or config: the message goes to stderr, the exit code is 2.</summary>
public sealed class ConfigException(string message, bool showUsage = true) : Exception(message)
{
    /// <summary>False when the usage text would not help (a policy refusal, not a typo).</summary>
    public bool ShowUsage { get; } = showUsage;
}

/// <summary><c>occi-agent [--listen URL] [--state-dir DIR] [--config FILE]</c>. Precedence:
/// defaults &lt; config file &lt; environment (OCCI_AGENT_*) &lt; command line.</summary>
public static class CommandLine
{
    public const string Usage = """
        Usage: occi-agent [--listen URL]... [--state-dir DIR] [--config FILE]
               occi-agent check [--config FILE] [--state-dir DIR]
               occi-agent token create NAME [--role reader|operator|admin] | list | revoke NAME
                          [--config FILE] [--state-dir DIR]
               occi-agent --help | --version

        Serves OCCI 1.2 for this host on URL (default http://127.0.0.1:8080), keeping entities,
        images and volumes in DIR (default ./var: occi.db, images/, volumes/).

          --listen URL      where to listen; repeat for several listeners: http://IP:PORT,
                            https://IP:PORT, http://unix:/PATH (env OCCI_AGENT_LISTEN, comma-separated)
          --state-dir DIR   state directory (env OCCI_AGENT_STATE_DIR)
          --config FILE     JSON config: listen, stateDir, schemeBase, maxPageSize, maxRequestBytes,
                            maxUserMixins, maxStorageGiB, qemuImg, qemu,
                            accelerator (auto|kvm|tcg), stopTimeoutSeconds, consoleLogBytes,
                            uplink, ip, nft, dnsmasq, dhcpBus (auto|system|private|ADDRESS), dhcpRunDir, dhcpPingCheck,
                            flavours [{name, title, cores, memory}], tls {certificate, key},
                            allowInsecureRemote, auth (tokens|none), socketGroup,
                            allowedHosts [...], allowedOrigins [...] (env OCCI_AGENT_CONFIG)
          env OCCI_AGENT_ACCELERATOR overrides accelerator, OCCI_AGENT_UPLINK uplink
          token             manage API tokens in the state dir (the agent may be running; changes
                            apply within a second): create prints a new token once; list shows
                            name, role, created, last use; revoke NAME
          check             diagnose this host (QEMU, accelerator, devices, networking, dnsmasq,
                            systemd, D-Bus, state dir); exit 0 only when VMs can run here
          config vmLauncher (auto|systemd|daemon), systemdBus (D-Bus address), vmSlice
                            (env OCCI_AGENT_VM_LAUNCHER, OCCI_AGENT_SYSTEMD_BUS)
          --help            this text
          --version         the version
        """;

    public static (CommandKind, AgentOptions) Parse(string[] args, Func<string, string?> env)
    {
        List<string> listen = [];
        string? stateDir = null, config = env("OCCI_AGENT_CONFIG");
        var command = args is ["check", ..] ? CommandKind.Check : CommandKind.Run;
        for (var i = command == CommandKind.Check ? 1 : 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length && !args[i + 1].StartsWith("--")
                ? args[++i] : throw new ConfigException($"{args[i]} needs a value");
            var (name, inline) = args[i].Split('=', 2) is [var n, var v] ? (n, v) : (args[i], null);
            switch (name)
            {
                case "--help" or "-h": return (CommandKind.Help, new AgentOptions());
                case "--version": return (CommandKind.Version, new AgentOptions());
                case "--listen": listen.Add(inline ?? Value()); break;
                case "--state-dir": stateDir = inline ?? Value(); break;
                case "--config": config = inline ?? Value(); break;
                default: throw new ConfigException($"unknown argument '{args[i]}'");
            }
        }
        var o = new AgentOptions();
        if (config is not null) ApplyFile(o, config);
        if (listen.Count > 0) o.Listen = listen;
        else if (env("OCCI_AGENT_LISTEN") is { Length: > 0 } fromEnv)
            o.Listen = [.. fromEnv.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
        o.StateDir = stateDir ?? env("OCCI_AGENT_STATE_DIR") ?? o.StateDir;
        o.Accelerator = env("OCCI_AGENT_ACCELERATOR") ?? o.Accelerator;
        o.Uplink = env("OCCI_AGENT_UPLINK") is { Length: > 0 } up ? up : o.Uplink;
        o.ConfigPath = config;
        o.VmLauncher = env("OCCI_AGENT_VM_LAUNCHER") ?? o.VmLauncher;
        o.SystemdBus = env("OCCI_AGENT_SYSTEMD_BUS") ?? o.SystemdBus;
        Validate(o);
        return (command, o);
    }

    private static void ApplyFile(AgentOptions o, string path)
    {
        ConfigFile f;
        try
        {
            using var s = File.OpenRead(path);
            f = JsonSerializer.Deserialize(s, ConfigJsonContext.Default.ConfigFile) ?? new ConfigFile();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"cannot read config file {path}: {e.Message}");
        }
        catch (JsonException e)
        {
            throw new ConfigException($"config file {path} is not valid: {e.Message}");
        }
        if (f.Listen is not null) o.Listen = f.Listen;
        if (f.Tls?.Certificate is not null) o.TlsCertificate = f.Tls.Certificate;
        if (f.Tls?.Key is not null) o.TlsKey = f.Tls.Key;
        if (f.AllowInsecureRemote is { } insecure) o.AllowInsecureRemote = insecure;
        if (f.StateDir is not null) o.StateDir = f.StateDir;
        if (f.SchemeBase is not null) o.SchemeBase = f.SchemeBase;
        if (f.MaxPageSize is { } m) o.MaxPageSize = m;
        if (f.MaxRequestBytes is { } rb) o.MaxRequestBytes = rb;
        if (f.MaxUserMixins is { } um) o.MaxUserMixins = um;
        if (f.MaxStorageGiB is { } sg) o.MaxStorageGiB = sg;
        if (f.QemuImg is not null) o.QemuImg = f.QemuImg;
        if (f.Qemu is not null) o.Qemu = f.Qemu;
        if (f.Accelerator is not null) o.Accelerator = f.Accelerator;
        if (f.StopTimeoutSeconds is { } t) o.StopTimeoutSeconds = t;
        if (f.ConsoleLogBytes is { } b) o.ConsoleLogBytes = b;
        if (f.Uplink is not null) o.Uplink = f.Uplink;
        if (f.Ip is not null) o.Ip = f.Ip;
        if (f.Nft is not null) o.Nft = f.Nft;
        if (f.Dnsmasq is not null) o.Dnsmasq = f.Dnsmasq;
        if (f.DhcpBus is not null) o.DhcpBus = f.DhcpBus;
        if (f.DhcpRunDir is not null) o.DhcpRunDirSetting = f.DhcpRunDir;
        if (f.DhcpPingCheck is { } ping) o.DhcpPingCheck = ping;
        if (f.VmLauncher is not null) o.VmLauncher = f.VmLauncher;
        if (f.SystemdBus is not null) o.SystemdBus = f.SystemdBus;
        if (f.VmSlice is not null) o.VmSlice = f.VmSlice;
        if (f.Auth is not null) o.Auth = f.Auth;
        if (f.SocketGroup is not null) o.SocketGroup = f.SocketGroup;
        if (f.AllowedHosts is not null) o.AllowedHosts = f.AllowedHosts;
        if (f.AllowedOrigins is not null) o.AllowedOrigins = f.AllowedOrigins;
        if (f.Flavours is not null)
            o.Flavours = f.Flavours.Select((x, i) => new FlavourInfo(
                x.Name ?? throw new ConfigException($"config file {path}: flavours[{i}] has no name"), x.Title, x.Cores, x.Memory)).ToList();
    }

    private static void ValidateListeners(AgentOptions o)
    {
        if (o.Listen.Count == 0) throw new ConfigException("listen is empty: give at least one URL");
        var urls = o.Listen.Select(ListenUrl.Parse).ToList();
        if (urls.Select(u => u.IsUnix ? u.UnixPath : $"{u.Address}|{u.Localhost}|{u.Port}").Distinct().Count() != urls.Count)
            throw new ConfigException($"listen names the same address twice: {string.Join(", ", o.Listen)}");
        if ((o.TlsCertificate is null) != (o.TlsKey is null))
            throw new ConfigException("tls needs both certificate and key (PEM files), or neither for a generated self-signed certificate");
        if (!o.AllowInsecureRemote && urls.FirstOrDefault(u => u.IsInsecureRemote) is { } open)
            throw new ConfigException($"listen {open.Url}: plain http on an address other hosts can reach is refused; use https://, a loopback address or a unix socket, or set \"allowInsecureRemote\": true in the config", showUsage: false);
    }

    private static void Validate(AgentOptions o)
    {
        ValidateListeners(o);
        if (string.IsNullOrWhiteSpace(o.StateDir)) throw new ConfigException("the state dir is empty");
        if (!o.SchemeBase.EndsWith('/') || !Uri.TryCreate(o.SchemeBase, UriKind.Absolute, out _) || o.SchemeBase.StartsWith("http://schemas.ogf.org/occi/"))
            throw new ConfigException($"schemeBase '{o.SchemeBase}' must be an absolute URL ending in '/' outside http://schemas.ogf.org/occi/");
        if (o.MaxPageSize < 1) throw new ConfigException("maxPageSize must be at least 1");
        if (o.MaxRequestBytes is < 65536 or > 64 * 1024 * 1024)
            throw new ConfigException("maxRequestBytes must be between 65536 and 67108864");
        if (o.MaxUserMixins is < 0 or > 1_000_000) throw new ConfigException("maxUserMixins must be between 0 and 1000000");
        if (!(o.MaxStorageGiB >= 1) || o.MaxStorageGiB > RequestLimits.CeilingStorageGiB)
            throw new ConfigException($"maxStorageGiB must be between 1 and {RequestLimits.CeilingStorageGiB}");
        if (o.Accelerator is not ("auto" or "kvm" or "tcg")) throw new ConfigException($"accelerator '{o.Accelerator}' must be auto, kvm or tcg");
        if (o.StopTimeoutSeconds is < 0 or > 3600) throw new ConfigException("stopTimeoutSeconds must be between 0 and 3600");
        if (o.ConsoleLogBytes < 8192) throw new ConfigException("consoleLogBytes must be at least 8192");
        if (o.Uplink is not null && !Net.Links.LinkNames.IsValidInterfaceName(o.Uplink))
            throw new ConfigException($"uplink '{o.Uplink}' is not an interface name (1-15 of A-Z a-z 0-9 _ . -)");
        if (o.DhcpBus is not ("auto" or "system" or "private") && !o.DhcpBus.Contains('='))
            throw new ConfigException($"dhcpBus '{o.DhcpBus}' must be auto, system, private or a D-Bus address (unix:path=...)");
        if (o.VmLauncher is not ("auto" or "systemd" or "daemon")) throw new ConfigException($"vmLauncher '{o.VmLauncher}' must be auto, systemd or daemon");
        if (Hypervisor.Systemd.UnitNames.CheckSlice(o.VmSlice) is { } sliceProblem) throw new ConfigException("vmSlice: " + sliceProblem);
        if (o.Auth is not ("tokens" or "none")) throw new ConfigException($"auth '{o.Auth}' must be tokens or none");
        if (string.IsNullOrWhiteSpace(o.SocketGroup)) throw new ConfigException("socketGroup must name a group");
        foreach (var h in o.AllowedHosts)
            if (string.IsNullOrWhiteSpace(h) || h.Contains('/') || h.Contains(' '))
                throw new ConfigException($"allowedHosts entry '{h}' must be a host name or address, optionally with :port");
        foreach (var origin in o.AllowedOrigins)
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var ou) || ou.Scheme is not ("http" or "https") || ou.PathAndQuery != "/")
                throw new ConfigException($"allowedOrigins entry '{origin}' must be an origin like https://console.example.org");
        foreach (var f in o.Flavours)
        {
            if (Templates.SanitiseTerm(f.Name) != f.Name)
                throw new ConfigException($"flavour name '{f.Name}' must be lowercase letters, digits, '-' or '_' and start with a letter");
            if (f.Cores < 1 || !(f.MemoryGiB > 0))
                throw new ConfigException($"flavour {f.Name}: cores must be at least 1 and memory (GiB) greater than 0");
        }
        if (o.Flavours.Select(f => f.Name).Distinct().Count() != o.Flavours.Count)
            throw new ConfigException("flavour names must be unique");
    }
}
