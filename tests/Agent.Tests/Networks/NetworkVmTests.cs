using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using OcciAgent.Net.Links;
using OcciAgent.Tests.Http;
using OcciAgent.Tests.Vms;
using Xunit.Abstractions;

namespace OcciAgent.Tests.Networks;

/// <summary>The network scenario with the real test guest, agent and dnsmasq in a namespace
/// of the test's own: DHCP lease in range, reported by the agent, ping to the gateway, NIC
/// hot-plug, down/up, a static reservation, and nothing left after deleting everything.</summary>
[Trait("Category", "Vm")]
public sealed partial class NetworkVmTests(ITestOutputHelper output) : NetnsTestBase
{
    [Fact]
    public async Task GuestLeases_AgentReports_PingsGateway_Hotplug_DownUp_Static_CleanDelete()
    {
        var network = await CreateNetworkAsync("10.70.0.0/24", "10.70.0.1", "dynamic");
        var key = LinkNames.Key(IdOf(network));
        var compute = await CreateGuestAsync();
        var nic1 = await CreateInterfaceAsync(compute, network);
        await BootAsync(compute);

        // 1. The guest leases an address from the pool; the agent reports the same one.
        var lease1 = await WaitForLeaseAsync(compute, "eth0");
        Assert.True(InPool(lease1), $"{lease1} is not in 10.70.0.2-254");
        await WaitForAddressAsync(nic1, lease1);
        Assert.Equal("active", await AttrOfAsync(nic1, "occi.networkinterface.state"));
        Assert.Equal("UP", HostLink(LinkNames.Tap(IdOf(nic1)))!.OperState);

        // 2. The guest reaches its gateway (the bridge).
        Assert.True(await GuestPingsAsync(compute, "10.70.0.1", 1), "the guest could not ping its gateway");

        // 3. A second NIC hot-plugged into the running guest gets its own lease.
        var watch = Stopwatch.StartNew();
        var nic2 = await CreateInterfaceAsync(compute, network);
        var lease2 = await WaitForAddressReportedAsync(nic2);
        var reported = watch.ElapsedMilliseconds;
        output.WriteLine($"POST networkinterface on the running VM -> address {lease2} reported: {reported} ms");
        Assert.True(InPool(lease2));
        Assert.NotEqual(lease1, lease2);
        Assert.Equal(lease2, await WaitForLeaseAsync(compute, "eth1"));

        // 4. A static address becomes a DHCP reservation: the guest's third NIC leases exactly it.
        // An address the pool leased to eth1 cannot be reserved for another NIC: dnsmasq would
        // hand that NIC some other address.
        var taken = await Agent.SendAsync(HttpMethod.Post, "/networkinterface/", Lines(NetworkInterfaceKind, IpNetworkInterface,
            $"X-OCCI-Attribute: occi.core.source=\"{compute}\"", $"X-OCCI-Attribute: occi.core.target=\"{network}\"",
            $"X-OCCI-Attribute: occi.networkinterface.address=\"{lease2}\""));
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        Assert.Contains("is leased to MAC", await taken.BodyAsync());
        // Not an address the pool gave eth0 or eth1.
        var fixedIp = new[] { "10.70.0.77", "10.70.0.78", "10.70.0.79" }.First(a => a != lease1 && a != lease2);
        var nic3 = await CreateInterfaceAsync(compute, network, IpNetworkInterface,
            $"X-OCCI-Attribute: occi.networkinterface.address=\"{fixedIp}\"", "X-OCCI-Attribute: occi.networkinterface.allocation=\"static\"");
        Assert.Equal(fixedIp, await WaitForLeaseAsync(compute, "eth2"));
        Assert.Equal(fixedIp, await AttrOfAsync(nic3, "occi.networkinterface.address"));
        Assert.Equal("static", await AttrOfAsync(nic3, "occi.networkinterface.allocation"));

        // 5. down cuts the guest off its gateway, up restores it.
        Assert.Equal(HttpStatusCode.OK, (await NetworkActAsync(network, "down")).StatusCode);
        Assert.Equal("inactive", await AttrOfAsync(network, "occi.network.state"));
        Assert.False(await GuestPingsAsync(compute, "10.70.0.1", 2), "the guest reached its gateway through a down bridge");
        Assert.Equal(HttpStatusCode.OK, (await NetworkActAsync(network, "up")).StatusCode);
        // The guest's ARP entry for the gateway failed while the bridge was down; on a loaded
        // host (TCG) it can take more than one round of echoes to resolve again.
        var reached = false;
        for (var n = 3; n < 8 && !reached; n++) reached = await GuestPingsAsync(compute, "10.70.0.1", n);
        Assert.True(reached, "the guest could not ping its gateway after up (5 rounds of 3 echoes)");

        // 6. Hot-unplug, then delete everything: no bridge, tap, dnsmasq or DHCP file remains.
        Assert.Equal(HttpStatusCode.OK, (await Agent.SendAsync(HttpMethod.Delete, nic2)).StatusCode);
        Assert.Null(HostLink(LinkNames.Tap(IdOf(nic2))));
        Assert.Equal(HttpStatusCode.OK, (await Agent.SendAsync(HttpMethod.Delete, compute)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Agent.SendAsync(HttpMethod.Delete, network)).StatusCode);
        Assert.DoesNotContain(HostLinks(), l => l.Name.StartsWith("occi", StringComparison.Ordinal));
        Assert.DoesNotContain(Agent.HelperPids(), p => File.ReadAllText($"/proc/{p}/cmdline").StartsWith("dnsmasq", StringComparison.Ordinal)
            || File.ReadAllText($"/proc/{p}/cmdline").Contains("/dnsmasq\0", StringComparison.Ordinal));
        var netDir = Path.Combine(Agent.StateDir, "net");
        Assert.Empty(Directory.Exists(netDir)
            ? Directory.EnumerateFiles(netDir, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f).Contains(key))
            : []);
    }

    [Fact]
    public async Task StaticNetwork_NicAtBootAndHotplugged_NoDhcp_GuestConfiguredByHandReachesGateway()
    {
        var network = await CreateNetworkAsync("10.71.0.0/24", "10.71.0.1", "static");
        var compute = await CreateGuestAsync();
        var nic1 = await CreateInterfaceAsync(compute, network);
        var mac1 = await AttrOfAsync(nic1, "occi.networkinterface.mac");
        await BootAsync(compute);
        await WaitForConsoleAsync(compute, $"OCCI-TEST-GUEST: nic eth0 {mac1}", 1, BootTimeout);
        Assert.Equal("active", await AttrOfAsync(nic1, "occi.networkinterface.state"));

        var nic2 = await CreateInterfaceAsync(compute, network);
        var mac2 = await AttrOfAsync(nic2, "occi.networkinterface.mac");
        await WaitForConsoleAsync(compute, $"OCCI-TEST-GUEST: nic eth1 {mac2}", 1, EventTimeout);
        Assert.Equal("active", await AttrOfAsync(nic2, "occi.networkinterface.state"));

        // static runs no DHCP server; the guest's own address reaches the bridge.
        Assert.DoesNotContain(Agent.HelperPids(), p => File.ReadAllText($"/proc/{p}/cmdline").Contains("dnsmasq", StringComparison.Ordinal));
        await Agent.SendAsync(HttpMethod.Post, compute + "/console", "ip addr add 10.71.0.5/24 dev eth0\n", accept: null);
        Assert.True(await GuestPingsAsync(compute, "10.71.0.1", 1), "the guest could not ping its gateway");

        // Unplugged on delete: QEMU lets go of the tap, the tap is gone.
        Assert.Equal(HttpStatusCode.OK, (await Agent.SendAsync(HttpMethod.Delete, nic2)).StatusCode);
        Assert.Null(HostLink(LinkNames.Tap(IdOf(nic2))));
        await using var monitor = await MonitorAsync(compute);
        var devices = (await monitor.ExecuteAsync("qom-list", w => w.WriteString("path", "/machine/peripheral"))).ToString();
        Assert.Contains($"nic-n{LinkNames.Key(IdOf(nic1))}", devices);
        Assert.DoesNotContain($"nic-n{LinkNames.Key(IdOf(nic2))}", devices);
    }

    private static bool InPool(string ip) =>
        ip.StartsWith("10.70.0.", StringComparison.Ordinal) && int.Parse(ip[8..]) is >= 2 and <= 254;

    private async Task<string> WaitForLeaseAsync(string compute, string iface)
    {
        var watch = Stopwatch.StartNew();
        var text = "";
        while (watch.Elapsed < TimeSpan.FromSeconds(60))
        {
            text = await ConsoleAsync(compute);
            if (LeaseLine().Matches(text).LastOrDefault(m => m.Groups[1].Value == iface) is { } m) return m.Groups[2].Value;
            await Task.Delay(100);
        }
        throw new TimeoutException($"no lease for {iface} within 60 s; console:\n{text}");
    }

    private async Task WaitForAddressAsync(string nic, string address)
    {
        var got = await WaitForAddressReportedAsync(nic);
        Assert.Equal(address, got);
    }

    private async Task<string> WaitForAddressReportedAsync(string nic)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (await AttrOfAsync(nic, "occi.networkinterface.address") is { Length: > 0 } a) return a;
            await Task.Delay(20);
        }
        throw new TimeoutException($"{nic} reported no address within 60 s");
    }

    /// <summary>Types a ping into the guest's serial shell; the marker line says how it went.</summary>
    private async Task<bool> GuestPingsAsync(string compute, string target, int n)
    {
        // -c 3: a bridge that just came up (or a TCG guest on a loaded host) may drop the first
        // echo while ARP settles; busybox ping exits 0 when any reply came back.
        await Agent.SendAsync(HttpMethod.Post, compute + "/console",
            $"ping -c 3 -W 3 {target} >/dev/null 2>&1 && echo \"OCCI-TEST-GUEST: ping-{n} ok\" || echo \"OCCI-TEST-GUEST: ping-{n} failed\"\n", accept: null);
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            var text = await ConsoleAsync(compute);
            if (Count(text, $"OCCI-TEST-GUEST: ping-{n} ok") > 0) return true;
            if (Count(text, $"OCCI-TEST-GUEST: ping-{n} failed") > 0) return false;
            await Task.Delay(100);
        }
        throw new TimeoutException($"ping-{n} gave no answer within 30 s");
    }

    [GeneratedRegex(@"OCCI-TEST-GUEST: lease (eth\d+) (\d+\.\d+\.\d+\.\d+)")]
    private static partial Regex LeaseLine();
}
