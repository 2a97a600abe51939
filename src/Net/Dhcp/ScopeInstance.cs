using System.Collections.Concurrent;

namespace OcciAgent.Net.Dhcp;

/// <summary>What the server keeps per running scope: the scope as last ensured, the dnsmasq
/// command line derived from it (without the reservations, which live in the hosts file), its
/// supervisor, and the lease table (by address, as dnsmasq identifies leases).</summary>
internal sealed class ScopeInstance(DhcpScope scope, DhcpPaths paths, IReadOnlyList<string> args)
{
    public DhcpScope Scope { get; set; } = scope;
    public DhcpPaths Paths => paths;
    public IReadOnlyList<string> Args => args;
    public string BusName => DhcpBusName.For(Scope.Key);
    public Supervisor? Supervisor { get; set; }
    public ConcurrentDictionary<string, DhcpLease> Leases { get; } = new(StringComparer.Ordinal);

    /// <summary>Replaces the table with the lease file's content (at start and before a restart:
    /// dnsmasq's signals only report changes).</summary>
    public int Reseed()
    {
        var fromFile = LeaseFile.Read(paths.LeaseFile, Scope.Key, DateTimeOffset.UtcNow);
        Leases.Clear();
        foreach (var l in fromFile) Leases[l.Address.ToString()] = l;
        return fromFile.Count;
    }

    public static bool SameReservations(IReadOnlyList<DhcpReservation> a, IReadOnlyList<DhcpReservation> b) =>
        a.Count == b.Count && a.ToHashSet().SetEquals(b);
}
