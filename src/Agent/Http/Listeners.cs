using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using OcciAgent.Config;
using OcciAgent.Store;
using OcciAgent.Tls;

namespace OcciAgent.Http;

/// <summary>Kestrel's endpoints from <c>listen</c> (only these: no ASPNETCORE_URLS, no
/// appsettings.json), and the access rights of the unix sockets once they exist.</summary>
public static class Listeners
{
    public static void Configure(KestrelServerOptions k, AgentOptions options, TlsCertificates tls)
    {
        foreach (var url in options.Listen.Select(ListenUrl.Parse))
        {
            Action<ListenOptions> endpoint = l =>
            {
                if (!url.Https) return;
                // HTTP/1.1 only, as on plain http: one set of request limits to reason about.
                l.Protocols = HttpProtocols.Http1;
                l.UseHttps(tls.HandshakeOptions());
            };
            if (url.IsUnix)
            {
                RemoveStaleSocket(url.UnixPath!);
                k.ListenUnixSocket(url.UnixPath!, endpoint);
            }
            else if (url.Localhost) k.ListenLocalhost(url.Port, endpoint);
            else if (url.Address is null) k.ListenAnyIP(url.Port, endpoint);
            else k.Listen(url.Address, url.Port, endpoint);
        }
    }

    /// <summary>A socket file left by an agent that ended (the runtime dir outlives the service) would
    /// make the bind fail; one that still answers belongs to a live process and is left alone.</summary>
    private static void RemoveStaleSocket(string path)
    {
        if (!File.Exists(path) || (File.GetAttributes(path) & FileAttributes.Directory) != 0) return;
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            File.Delete(path);
        }
        catch (SocketException) { }
    }

    /// <summary>The unix sockets are made under the agent's umask (owner only). With the socket
    /// group present they become 0660 root:group, so its members can connect (README "Listeners and TLS").</summary>
    public static void GrantSocketGroup(AgentOptions options, ILogger log)
    {
        if (OperatingSystem.IsWindows()) return;
        foreach (var url in options.Listen.Select(ListenUrl.Parse).Where(u => u.IsUnix))
        {
            var path = url.UnixPath!;
            if (PosixAccess.GroupId(options.SocketGroup) is not { } gid)
            {
                Log.SocketGroupMissing(log, path, options.SocketGroup);
                continue;
            }
            try
            {
                PosixAccess.ChangeGroup(path, gid);
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
                Log.SocketAccess(log, path, "0660", options.SocketGroup);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Still served, owner-only: a safe fallback, said loudly.
                Log.SocketGroupFailed(log, path, options.SocketGroup, e.Message);
            }
        }
    }

    /// <summary>One line for a listener that cannot be bound (exit 1), naming the address and the fix;
    /// null for any other start-up failure.</summary>
    public static string? DescribeBindFailure(Exception e, AgentOptions options)
    {
        if (e is not (IOException or SocketException)) return null;
        const string prefix = "Failed to bind to address ";
        var m = e.Message;
        var address = m.StartsWith(prefix, StringComparison.Ordinal) && m.LastIndexOf(": ", StringComparison.Ordinal) is var end and > 0
            ? m[prefix.Length..end] : string.Join(", ", options.Listen);
        var inUse = e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException
            || (e as SocketException ?? e.InnerException as SocketException)?.SocketErrorCode == SocketError.AddressAlreadyInUse
            || m.Contains("address already in use", StringComparison.OrdinalIgnoreCase);
        return inUse
            ? $"cannot listen on {address}: the address is already in use (another occi-agent or another program); stop that or choose another address with --listen"
            : $"cannot listen on {address}: {(e.InnerException ?? e).Message.TrimEnd('.')}; the address must belong to this host, and ports below 1024 need root or CAP_NET_BIND_SERVICE";
    }
}
