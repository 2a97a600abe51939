using System.Diagnostics;
using OcciAgent.Net.Dhcp;
using Xunit.Abstractions;

namespace OcciAgent.Net.Tests.Dhcp;

/// <summary>Bus choice and bus failure, with real dbus-daemon and dnsmasq processes.</summary>
[Trait("Category", "Integration")]
public sealed class DhcpBusTests(ITestOutputHelper output) : DhcpTestBase(output)
{
    private readonly TempRunDir _runDir2 = new();

    protected override void DisposeMore() => _runDir2.Dispose();

    private DnsmasqDhcpServer NewServer(string runDir, string bus)
    {
        var server = new DnsmasqDhcpServer(new DhcpOptions(runDir, Bus: bus), _log) { CommandWrapper = _net.Wrap };
        _servers.Add(server);
        return server;
    }

    [Fact(Timeout = 30_000)]
    public async Task Auto_TakesAPrivateBusWhenTheSystemBusCannotCarryOurNames()
    {
        // This machine runs no system bus (docs/host-notes.md); where one runs without our policy file,
        // the name probe fails instead: a private bus either way.
        var server = NewServer(_runDir.Path, "auto");
        await server.StartAsync(CancellationToken.None);
        Assert.Matches(@"^private bus unix:path=\S+/bus\.sock \(dbus-daemon pid \d+\): system bus \S+ unusable: ", server.BusDescription);
        Assert.True(File.Exists(Path.Combine(_runDir.Path, "bus.sock")));
    }

    [Fact(Timeout = 30_000)]
    public async Task Forcing_AnUnusableSystemBusIsAnErrorNamingIt()
    {
        var server = NewServer(_runDir.Path, "system");
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => server.StartAsync(CancellationToken.None));
        Assert.StartsWith("DHCP bus 'system' (unix:path=", e.Message);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_BusSettingThatIsNeitherKeywordNorAddressIsRefused()
    {
        var server = NewServer(_runDir.Path, "sytem");
        var e = await Assert.ThrowsAsync<ArgumentException>(() => server.StartAsync(CancellationToken.None));
        Assert.Contains("DHCP bus 'sytem' must be auto, system, private or a D-Bus address", e.Message);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_PrivateBusLeftRunningByAnEarlierAgentIsReplaced()
    {
        // What a crashed agent leaves: its dbus-daemon with our config, pid file and socket.
        var conf = Path.Combine(_runDir.Path, "bus.conf");
        File.WriteAllText(conf, OcciAgent.Net.DBus.PrivateBusConfig.Render(
            Path.Combine(_runDir.Path, "bus.sock"), Path.Combine(_runDir.Path, "bus.pid"), "root"));
        var psi = new ProcessStartInfo("dbus-daemon") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--nofork", "--print-address", $"--config-file={conf}" }) psi.ArgumentList.Add(a);
        using var leftover = Process.Start(psi)!;
        try
        {
            Assert.StartsWith("unix:path=", await leftover.StandardOutput.ReadLineAsync());

            var server = NewServer(_runDir.Path, "private");
            await server.StartAsync(CancellationToken.None);

            Assert.True(leftover.WaitForExit(10_000), "the leftover dbus-daemon still runs");
            Assert.DoesNotContain($"(dbus-daemon pid {leftover.Id})", server.BusDescription);
            await server.EnsureAsync(DhcpTestScopes.Scope(), CancellationToken.None); // the new bus works
        }
        finally
        {
            if (!leftover.HasExited) { leftover.Kill(); leftover.WaitForExit(5000); }
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task An_ExplicitBusAddressCarriesTheLeaseSignals()
    {
        // Server A's private bus stands in for a bus the operator runs.
        var owner = NewServer(_runDir.Path, "private");
        await owner.StartAsync(CancellationToken.None);
        var address = $"unix:path={_runDir.Path}/bus.sock";

        var server = NewServer(_runDir2.Path, address);
        await server.StartAsync(CancellationToken.None);
        Assert.Equal($"bus {address}: configured explicitly, admits org.ogf.occi.agent.dhcp.*", server.BusDescription);
        Assert.False(File.Exists(Path.Combine(_runDir2.Path, "bus.sock")));

        var recorder = new LeaseRecorder(server);
        await server.EnsureAsync(DhcpTestScopes.Scope("x1"), CancellationToken.None);
        var (address4, _) = await _net.RequestLeaseAsync();
        var e = await recorder.WaitForAsync((c, l) => c == DhcpLeaseChange.Added && l.Mac == _net.ClientMac);
        Assert.Equal(address4, e.Lease.Address);
    }

    [Fact(Timeout = 90_000)]
    public async Task When_ThePrivateBusDiesItIsRestartedAndDnsmasqRejoinsIt()
    {
        var server = NewServer(_runDir.Path, "private");
        await server.StartAsync(CancellationToken.None);
        var recorder = new LeaseRecorder(server);
        await server.EnsureAsync(DhcpTestScopes.Scope(), CancellationToken.None);
        await _net.RequestLeaseAsync();
        var dnsmasqPid = server.ServerPid("t1")!.Value;
        var busPid = int.Parse(File.ReadAllText(Path.Combine(_runDir.Path, "bus.pid")).Trim());

        var clock = Stopwatch.StartNew();
        Process.GetProcessById(busPid).Kill();
        int? next = dnsmasqPid;
        while (clock.ElapsedMilliseconds < 30_000 && (next is null || next == dnsmasqPid))
        {
            await Task.Delay(10);
            next = server.ServerPid("t1");
        }
        var rejoinMs = clock.ElapsedMilliseconds;
        Assert.NotEqual(dnsmasqPid, server.ServerPid("t1"));
        Assert.NotNull(server.ServerPid("t1"));

        var asked = recorder.Now;
        var (address, _) = await _net.RequestLeaseAsync();
        var e = await recorder.WaitForAsync((c, l) => c != DhcpLeaseChange.Deleted && l.Mac == _net.ClientMac, asked);
        Assert.Equal(address, e.Lease.Address);
        Output.WriteLine($"MEASURED private bus SIGKILL -> dnsmasq back on the new bus: {rejoinMs} ms");
    }
}
