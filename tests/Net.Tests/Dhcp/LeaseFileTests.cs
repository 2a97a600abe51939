using OcciAgent.Net.Dhcp;

namespace OcciAgent.Net.Tests.Dhcp;

[Trait("Category", "Unit")]
public sealed class LeaseFileTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    [Fact]
    public void Lines_AsDnsmasqWritesThemBecomeLeases()
    {
        var leases = LeaseFile.Parse(
        [
            "1800003600 02:00:00:00:00:01 10.77.0.101 guest1 01:02:00:00:00:00:01",
            "0 02:00:00:00:00:02 10.77.0.102 * *",                        // infinite lease, no hostname
            "1799999999 02:00:00:00:00:03 10.77.0.103 old *",             // expired
            "duid 00:01:00:01:2c:5e:1f:a3:02:00:00:00:00:09",             // DHCPv6 section
            "1800003600 1234567 fd00::5 v6host 00:01:00:01",              // DHCPv6 lease
            "garbage",
            "1800003600 02:00:00:00:00:0A 10.77.0.104 * *",
        ], "n1", Now);

        Assert.Equal(
        [
            new DhcpLease("n1", "02:00:00:00:00:01", System.Net.IPAddress.Parse("10.77.0.101"), "guest1"),
            new DhcpLease("n1", "02:00:00:00:00:02", System.Net.IPAddress.Parse("10.77.0.102"), null),
            new DhcpLease("n1", "02:00:00:00:00:0a", System.Net.IPAddress.Parse("10.77.0.104"), null),
        ], leases);
    }

    [Fact]
    public void A_MissingFileHasNoLeases() =>
        Assert.Empty(LeaseFile.Read("/nonexistent/dnsmasq-n1.leases", "n1", Now));
}
