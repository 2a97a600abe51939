using System.Net;
using OcciAgent.Net.Dhcp;

namespace OcciAgent.Net.Tests.Dhcp;

internal static class DhcpTestScopes
{
    /// <summary>10.77.0.0/24 on br0: range .100-.150, router .1 (the bridge).</summary>
    public static DhcpScope Scope(string key = "t1", IReadOnlyList<DhcpReservation>? reservations = null, bool router = true) => new(
        "net-" + key, key, TestNetwork.Bridge, IPAddress.Parse("10.77.0.0"), 24,
        IPAddress.Parse("10.77.0.100"), IPAddress.Parse("10.77.0.150"),
        router ? TestNetwork.BridgeAddress : null, reservations ?? []);

    public static bool InRange(IPAddress a)
    {
        var b = a.GetAddressBytes();
        return b[0] == 10 && b[1] == 77 && b[2] == 0 && b[3] is >= 100 and <= 150;
    }
}
