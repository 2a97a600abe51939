using System.Net;
using OcciAgent.Net.Dhcp;

namespace OcciAgent.Net.Tests.Dhcp;

[Trait("Category", "Unit")]
public sealed class DnsmasqArgumentsTests
{
    private static readonly DhcpPaths Paths = DhcpPaths.For("/run/occi", "n1");

    [Fact]
    public void The_FullCommandLineOfAScopeWithARouter()
    {
        var scope = DhcpTestScopes.Scope("n1", [new("02:00:00:00:00:01", IPAddress.Parse("10.77.0.5"))]);
        Assert.Equal(
        [
            "--keep-in-foreground", "--log-facility=-", "--conf-file=/dev/null", "--port=0",
            "--interface=br0", "--bind-interfaces", "--except-interface=lo",
            "--dhcp-range=10.77.0.100,10.77.0.150,255.255.255.0,3600",
            "--dhcp-option=option:router,10.77.0.1",
            "--dhcp-leasefile=/run/occi/dnsmasq-n1.leases",
            "--dhcp-hostsfile=/run/occi/dnsmasq-n1.hosts",
            "--pid-file=/run/occi/dnsmasq-n1.pid",
            "--enable-dbus=org.ogf.occi.agent.dhcp.nn1",
            "--dhcp-authoritative", "--user=dnsmasq",
        ], DnsmasqArguments.Build(scope, Paths, new DhcpOptions("/run/occi")));
    }

    [Fact]
    public void Without_ARouterTheOptionIsSentEmptyAndOptionsApply()
    {
        var args = DnsmasqArguments.Build(DhcpTestScopes.Scope("n1", router: false), Paths,
            new DhcpOptions("/run/occi") { PingCheck = false, LeaseTime = TimeSpan.FromMinutes(10), User = "nobody" });
        Assert.Contains("--dhcp-option=option:router", args);
        Assert.Contains("--dhcp-range=10.77.0.100,10.77.0.150,255.255.255.0,600", args);
        Assert.Contains("--no-ping", args);
        Assert.Contains("--user=nobody", args);
    }

    [Fact]
    public void Reservations_AreNotOnTheCommandLineButInTheHostsFile()
    {
        var with = DnsmasqArguments.Build(DhcpTestScopes.Scope("n1", [new("02:00:00:00:00:01", IPAddress.Parse("10.77.0.5"))]), Paths, new("/run/occi"));
        var without = DnsmasqArguments.Build(DhcpTestScopes.Scope("n1"), Paths, new("/run/occi"));
        Assert.Equal(without, with); // so a reservation change is a reload, not a restart
        Assert.Equal("# written by occi-agent; rewritten on every change\n02:00:00:00:00:01,10.77.0.5\n02:00:00:00:00:02,10.77.0.6\n",
            DnsmasqHostsFile.Render([new("02:00:00:00:00:02", IPAddress.Parse("10.77.0.6")), new("02:00:00:00:00:01", IPAddress.Parse("10.77.0.5"))]));
    }

    [Theory]
    [InlineData("dnsmasq-n1.pid", "n1")]
    [InlineData("dnsmasq-abc123.leases", "abc123")]
    [InlineData("dnsmasq-n1.hosts.tmp", "n1")]
    [InlineData("dnsmasq-N1.pid", null)]
    [InlineData("dnsmasq-n1.conf", null)]
    [InlineData("bus.pid", null)]
    [InlineData("dnsmasq-n1.pid\n", null)]
    public void Only_OurOwnFileNamesYieldAKey(string file, string? key) => Assert.Equal(key, DhcpPaths.KeyOf(file));
}
