using System.Net;
using Microsoft.AspNetCore.Http;

namespace OcciAgent.Config;

/// <summary>One <c>listen</c> URL, checked: <c>http(s)://IP:PORT</c>, <c>http(s)://localhost:PORT</c>,
/// <c>http(s)://*:PORT</c> (every address) or <c>http(s)://unix:/PATH</c>. A host name other
/// than localhost is refused: the agent would have to guess which addresses it stands for.</summary>
public sealed record ListenUrl(string Url, bool Https, IPAddress? Address, bool AnyAddress, bool Localhost, int Port, string? UnixPath)
{
    public bool IsUnix => UnixPath is not null;

    /// <summary>Only this host can connect: a unix socket, localhost, or a loopback address.</summary>
    public bool IsLocal => IsUnix || Localhost || (Address is not null && IPAddress.IsLoopback(Address));

    public static ListenUrl Parse(string url)
    {
        BindingAddress b;
        try
        {
            b = BindingAddress.Parse(url);
        }
        catch (FormatException)
        {
            throw new ConfigException($"listen '{url}' is not an http:// or https:// URL");
        }
        if (b.Scheme is not ("http" or "https"))
            throw new ConfigException($"listen '{url}' is not an http:// or https:// URL");
        var https = b.Scheme == "https";
        if (b.IsUnixPipe)
        {
            if (!Path.IsPathFullyQualified(b.UnixPipePath))
                throw new ConfigException($"listen '{url}': the socket path must be absolute (http://unix:/PATH)");
            return new ListenUrl(url, https, null, false, false, 0, b.UnixPipePath);
        }
        if (url.Contains("://unix:", StringComparison.OrdinalIgnoreCase))
            throw new ConfigException($"listen '{url}': a unix socket is written {b.Scheme}://unix:/PATH with an absolute PATH");
        if (b.IsNamedPipe) throw new ConfigException($"listen '{url}': named pipes are not supported");
        if (b.PathBase.Length > 0) throw new ConfigException($"listen '{url}' must not have a path");
        if (!url.AsSpan(url.IndexOf("://", StringComparison.Ordinal) + 3).Contains(':') || b.Port is < 0 or > 65535)
            throw new ConfigException($"listen '{url}' needs a port (e.g. {b.Scheme}://127.0.0.1:8080)");
        var host = b.Host.Trim('[', ']');
        if (host is "*" or "+") return new ListenUrl(url, https, null, true, false, b.Port, null);
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
            return b.Port == 0
                ? throw new ConfigException($"listen '{url}': port 0 needs an IP address, not localhost")
                : new ListenUrl(url, https, null, false, true, b.Port, null);
        if (!IPAddress.TryParse(host, out var ip))
            throw new ConfigException($"listen '{url}': the host must be an IP address, localhost or * (all addresses), not the name '{b.Host}'");
        var any = ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any);
        return new ListenUrl(url, https, ip, any, false, b.Port, null);
    }

    /// <summary>Plain http reachable from other hosts (issue: exposure policy, README "Listeners and TLS").</summary>
    public bool IsInsecureRemote => !Https && !IsLocal;
}
