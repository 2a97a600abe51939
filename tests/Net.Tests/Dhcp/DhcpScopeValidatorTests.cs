using System.Net;
using OcciAgent.Net.Dhcp;

namespace OcciAgent.Net.Tests.Dhcp;

[Trait("Category", "Unit")]
public sealed class DhcpScopeValidatorTests
{
    private static readonly DhcpScope Good = DhcpTestScopes.Scope(reservations: [new("02:00:00:00:00:01", IPAddress.Parse("10.77.0.5"))]);

    [Fact]
    public void A_GoodScopePasses() => DhcpScopeValidator.Validate(Good);

    public static TheoryData<DhcpScope, string> BadScopes => new()
    {
        { Good with { Key = "Net-1" }, "key 'Net-1' must be 1 to 10 characters of [a-z0-9]" },
        { Good with { Key = "abcdefghijk" }, "key 'abcdefghijk'" },
        { Good with { Key = "t1\n" }, "key 't1\n'" },
        { Good with { Bridge = "br0\n--dhcp-script=/x" }, "bridge 'br0\n--dhcp-script=/x' must be an interface name" },
        { Good with { Bridge = "a-very-long-bridge" }, "bridge 'a-very-long-bridge'" },
        { Good with { Subnet = IPAddress.Parse("fd00::") }, "subnet 'fd00::' must be an IPv4 address (IPv6 is not supported)" },
        { Good with { PrefixLength = 31 }, "prefix length 31 must be between 1 and 30" },
        { Good with { Subnet = IPAddress.Parse("10.77.0.1") }, "subnet 10.77.0.1/24 has host bits set" },
        { Good with { RangeStart = IPAddress.Parse("10.78.0.100") }, "range start 10.78.0.100 is outside 10.77.0.0/24" },
        { Good with { RangeEnd = IPAddress.Parse("10.77.0.255") }, "range end 10.77.0.255 is the network or broadcast address of 10.77.0.0/24" },
        { Good with { RangeStart = IPAddress.Parse("10.77.0.200") }, "range start 10.77.0.200 is after range end 10.77.0.150" },
        { Good with { RangeEnd = IPAddress.Parse("fd00::1") }, "range end 'fd00::1' must be an IPv4 address" },
        { Good with { Router = IPAddress.Parse("192.168.1.1") }, "router 192.168.1.1 is outside 10.77.0.0/24" },
        { Good with { Reservations = [new("02:00:00:00:00:0G", IPAddress.Parse("10.77.0.5"))] }, "reservation MAC '02:00:00:00:00:0G' must be six lower-case hex pairs" },
        { Good with { Reservations = [new("02:00:00:00:00:01\n", IPAddress.Parse("10.77.0.5"))] }, "reservation MAC '02:00:00:00:00:01\n'" },
        { Good with { Reservations = [new("02:00:00:00:00:01", IPAddress.Parse("10.9.0.5"))] }, "reserved address for 02:00:00:00:00:01 10.9.0.5 is outside 10.77.0.0/24" },
        { Good with { Reservations = [new("02:00:00:00:00:01", IPAddress.Parse("10.77.0.5")), new("02:00:00:00:00:01", IPAddress.Parse("10.77.0.6"))] }, "MAC 02:00:00:00:00:01 is reserved twice" },
        { Good with { Reservations = [new("02:00:00:00:00:01", IPAddress.Parse("10.77.0.5")), new("02:00:00:00:00:02", IPAddress.Parse("10.77.0.5"))] }, "address 10.77.0.5 is reserved twice" },
        { Good with { Reservations = [new("02:00:00:00:00:01", IPAddress.Parse("10.77.0.1"))] }, "address 10.77.0.1 reserved for 02:00:00:00:00:01 is the router's" },
    };

    [Theory]
    [MemberData(nameof(BadScopes))]
    public void A_BadValueIsNamedInTheMessage(DhcpScope scope, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => DhcpScopeValidator.Validate(scope));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("DHCP scope of network net-t1: ", e.Message);
    }

    [Fact]
    public void All_ProblemsAreReportedAtOnce()
    {
        var e = Assert.Throws<ArgumentException>(() => DhcpScopeValidator.Validate(Good with { Key = "X", Bridge = "" }));
        Assert.Contains("key 'X'", e.Message);
        Assert.Contains("bridge ''", e.Message);
    }

    [Theory]
    [InlineData(24, "255.255.255.0")]
    [InlineData(30, "255.255.255.252")]
    [InlineData(8, "255.0.0.0")]
    [InlineData(20, "255.255.240.0")]
    public void Netmask_OfAPrefix(int prefix, string mask) => Assert.Equal(mask, DhcpScopeValidator.Netmask(prefix));
}
