using System.Net;

namespace OcciAgent.Net.Dhcp;

/// <summary>What one network's DHCP service hands out: addresses from
/// <see cref="RangeStart"/>..<see cref="RangeEnd"/> on <see cref="Bridge"/> only, the router
/// option when a gateway is set, and fixed addresses per MAC.</summary>
/// <param name="NetworkId">The network entity's id, for messages.</param>
/// <param name="Key">Short stable id of the network ([a-z0-9], 1..10 chars): names files and the bus name.</param>
public sealed record DhcpScope(
    string NetworkId,
    string Key,
    string Bridge,
    IPAddress Subnet,
    int PrefixLength,
    IPAddress RangeStart,
    IPAddress RangeEnd,
    IPAddress? Router,
    IReadOnlyList<DhcpReservation> Reservations);

/// <summary>A fixed address for one MAC (lower-case, colon-separated).</summary>
public sealed record DhcpReservation(string Mac, IPAddress Address);

public enum DhcpLeaseChange { Added, Updated, Deleted }

/// <summary>A lease as dnsmasq reports it. <see cref="Key"/> is the scope's key.</summary>
public sealed record DhcpLease(string Key, string Mac, IPAddress Address, string? Hostname);

/// <summary>DHCP for the agent's networks: one supervised server instance per scope, leases
/// learned from the server's D-Bus signals.</summary>
public interface IDhcpServer : IAsyncDisposable
{
    /// <summary>Connects to (or starts) the bus the lease signals come over. Call once before the rest.</summary>
    Task StartAsync(CancellationToken ct);

    /// <summary>Which bus is used and why, for the start-up log and <c>GET /host</c>.</summary>
    string BusDescription { get; }

    /// <summary>Starts the scope's server, or brings a running one up to date. Idempotent:
    /// unchanged scopes are left alone, reservation changes are reloaded without a restart.</summary>
    Task EnsureAsync(DhcpScope scope, CancellationToken ct);

    /// <summary>Stops the scope's server and deletes its files (leases included). No-op when absent.</summary>
    Task StopAsync(string key, CancellationToken ct);

    /// <summary>Current leases of a scope (empty when unknown).</summary>
    IReadOnlyList<DhcpLease> Leases(string key);

    /// <summary>Raised for every lease signal, on a background thread.</summary>
    event Action<DhcpLeaseChange, DhcpLease>? LeaseChanged;

    /// <summary>At agent start: stops server instances this agent left behind (found through its
    /// own files only) whose key is not in <paramref name="keep"/>, and deletes their files.</summary>
    Task RemoveLeftoversAsync(IReadOnlySet<string> keep, CancellationToken ct);
}
