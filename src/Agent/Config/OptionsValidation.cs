using OcciAgent.Occi.Catalog;

namespace OcciAgent.Config;

/// <summary>Checks bound settings before anything runs; each message names the setting. Enum
/// settings are checked as they are read (<see cref="AgentConfiguration"/>).</summary>
public static class OptionsValidation
{
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

    public static void Validate(AgentOptions o)
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
        if (o.StopTimeoutSeconds is < 0 or > 3600) throw new ConfigException("stopTimeoutSeconds must be between 0 and 3600");
        if (o.ConsoleLogBytes < 8192) throw new ConfigException("consoleLogBytes must be at least 8192");
        if (o.Uplink is not null && !Net.Links.LinkNames.IsValidInterfaceName(o.Uplink))
            throw new ConfigException($"uplink '{o.Uplink}' is not an interface name (1-15 of A-Z a-z 0-9 _ . -)");
        if (o.Dhcp.BusKind is null)
            throw new ConfigException($"dhcpBus '{o.DhcpBus}' must be auto, system, private or a D-Bus address (unix:path=...)");
        if (Hypervisor.Systemd.UnitNames.CheckSlice(o.VmSlice) is { } sliceProblem) throw new ConfigException("vmSlice: " + sliceProblem);
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
