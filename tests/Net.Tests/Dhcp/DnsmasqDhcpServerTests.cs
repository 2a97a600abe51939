using System.Diagnostics;
using System.Net;
using OcciAgent.Net.Dhcp;
using Xunit.Abstractions;

namespace OcciAgent.Net.Tests.Dhcp;

/// <summary>The real thing: dnsmasq serving a bridge in the test's own network namespace, a
/// private dbus-daemon carrying its signals, busybox udhcpc as the guest.</summary>
[Trait("Category", "Integration")]
public sealed class DnsmasqDhcpServerTests(ITestOutputHelper output) : DhcpTestBase(output)
{

    private async Task<DnsmasqDhcpServer> StartServerAsync(string bus = "private")
    {
        var server = new DnsmasqDhcpServer(new DhcpOptions(_runDir.Path, Bus: bus), _log) { CommandWrapper = _net.Wrap };
        _servers.Add(server);
        await server.StartAsync(CancellationToken.None);
        return server;
    }

    [Fact(Timeout = 60_000)]
    public async Task Lease_InRangeArrivesAsLeaseChangedAddedAndInLeases()
    {
        var clock = Stopwatch.StartNew();
        var server = await StartServerAsync();
        var busMs = clock.ElapsedMilliseconds;
        var recorder = new LeaseRecorder(server);
        clock.Restart();
        await server.EnsureAsync(DhcpTestScopes.Scope(), CancellationToken.None);
        var ensureMs = clock.ElapsedMilliseconds;

        var asked = recorder.Now;
        var (address, router) = await _net.RequestLeaseAsync();
        var added = await recorder.WaitForAsync((c, l) => c == DhcpLeaseChange.Added && l.Mac == _net.ClientMac, asked);

        Assert.True(DhcpTestScopes.InRange(address), $"{address} is outside the range");
        Assert.Equal("10.77.0.1", router);
        Assert.Equal(address, added.Lease.Address);
        Assert.Equal("t1", added.Lease.Key);
        var lease = Assert.Single(server.Leases("t1"));
        Assert.Equal((_net.ClientMac, address), (lease.Mac, lease.Address));
        Assert.Empty(server.Leases("other"));
        Assert.StartsWith("private bus unix:path=" + _runDir.Path, server.BusDescription);
        Output.WriteLine($"MEASURED private bus start {busMs} ms; EnsureAsync (dnsmasq ready on bus) {ensureMs} ms; udhcpc start -> LeaseChanged {added.At - asked} ms");
    }

    [Fact(Timeout = 60_000)]
    public async Task No_RouterMeansNoRouterOption()
    {
        var server = await StartServerAsync();
        await server.EnsureAsync(DhcpTestScopes.Scope(router: false), CancellationToken.None);
        var (address, router) = await _net.RequestLeaseAsync();
        Assert.True(DhcpTestScopes.InRange(address));
        Assert.Null(router);
    }

    [Fact(Timeout = 60_000)]
    public async Task Reservation_GivesTheReservedAddressAndAChangeIsReloadedWithoutRestart()
    {
        var server = await StartServerAsync();
        var recorder = new LeaseRecorder(server);
        var first = IPAddress.Parse("10.77.0.20"); // outside the dynamic range, inside the subnet
        await server.EnsureAsync(DhcpTestScopes.Scope(reservations: [new(_net.ClientMac, first)]), CancellationToken.None);
        var pid = server.ServerPid("t1");
        Assert.NotNull(pid);
        Assert.Equal(first, (await _net.RequestLeaseAsync()).Address);

        var second = IPAddress.Parse("10.77.0.21");
        await server.EnsureAsync(DhcpTestScopes.Scope(reservations: [new(_net.ClientMac, second)]), CancellationToken.None);
        Assert.Equal(pid, server.ServerPid("t1"));
        var asked = recorder.Now;
        Assert.Equal(second, (await _net.RequestLeaseAsync()).Address);
        Assert.Equal(pid, server.ServerPid("t1"));
        await recorder.WaitForAsync((c, l) => c != DhcpLeaseChange.Deleted && l.Address.Equals(second), asked);
        Assert.Contains(server.Leases("t1"), l => l.Address.Equals(second) && l.Mac == _net.ClientMac);
        Assert.Contains($"{_net.ClientMac},10.77.0.21", File.ReadAllText(Path.Combine(_runDir.Path, "dnsmasq-t1.hosts")));
    }

    [Fact(Timeout = 90_000)]
    public async Task Dnsmasq_KilledWithSIGKILLIsRestartedAndServesAgain()
    {
        var server = await StartServerAsync();
        var recorder = new LeaseRecorder(server);
        await server.EnsureAsync(DhcpTestScopes.Scope(), CancellationToken.None);
        var first = (await _net.RequestLeaseAsync()).Address;
        var pid = server.ServerPid("t1")!.Value;

        var clock = Stopwatch.StartNew();
        Process.GetProcessById(pid).Kill(); // SIGKILL
        int? next = pid;
        while (clock.ElapsedMilliseconds < 20_000 && (next is null || next == pid))
        {
            await Task.Delay(10);
            next = server.ServerPid("t1");
        }
        var restartMs = clock.ElapsedMilliseconds;
        Assert.NotNull(next);
        Assert.NotEqual(pid, next);
        Assert.False(File.Exists($"/proc/{pid}/cmdline") && File.ReadAllText($"/proc/{pid}/cmdline").Contains("dnsmasq"));

        // The restarted instance still knows the lease (lease file) and serves, and its signals arrive.
        Assert.Contains(server.Leases("t1"), l => l.Address.Equals(first));
        var asked = recorder.Now;
        Assert.Equal(first, (await _net.RequestLeaseAsync()).Address);
        await recorder.WaitForAsync((c, l) => c != DhcpLeaseChange.Deleted && l.Mac == _net.ClientMac, asked);
        Output.WriteLine($"MEASURED SIGKILL -> restarted dnsmasq ready on the bus: {restartMs} ms");
    }

    [Fact(Timeout = 60_000)]
    public async Task StopAsync_LeavesNoProcessAndNoFile()
    {
        var server = await StartServerAsync();
        await server.EnsureAsync(DhcpTestScopes.Scope(reservations: [new("02:00:00:00:00:01", IPAddress.Parse("10.77.0.5"))]), CancellationToken.None);
        await _net.RequestLeaseAsync();
        var pid = server.ServerPid("t1")!.Value;
        Assert.Contains("dnsmasq-t1.leases", _runDir.Files);

        await server.StopAsync("t1", CancellationToken.None);

        Assert.False(Directory.Exists($"/proc/{pid}"), $"dnsmasq pid {pid} is still there");
        Assert.Null(server.ServerPid("t1"));
        Assert.Empty(server.Leases("t1"));
        Assert.DoesNotContain(_runDir.Files, f => f.StartsWith("dnsmasq-", StringComparison.Ordinal));
        await server.StopAsync("t1", CancellationToken.None); // absent: no-op
    }

    [Fact(Timeout = 90_000)]
    public async Task A_NewServerRecoversTheLeasesFromTheLeaseFile()
    {
        var first = await StartServerAsync();
        await first.EnsureAsync(DhcpTestScopes.Scope(), CancellationToken.None);
        var address = (await _net.RequestLeaseAsync()).Address;
        var pid = first.ServerPid("t1")!.Value;
        var busPid = int.Parse(File.ReadAllText(Path.Combine(_runDir.Path, "bus.pid")).Trim());
        await first.DisposeAsync();
        _servers.Remove(first);
        Assert.False(Directory.Exists($"/proc/{pid}"), "Dispose left dnsmasq running");
        Assert.False(Directory.Exists($"/proc/{busPid}"), "Dispose left the private dbus-daemon running");
        Assert.Contains("dnsmasq-t1.leases", _runDir.Files);

        var second = await StartServerAsync();
        await second.EnsureAsync(DhcpTestScopes.Scope(), CancellationToken.None);

        var lease = Assert.Single(second.Leases("t1"));
        Assert.Equal((_net.ClientMac, address, "t1"), (lease.Mac, lease.Address, lease.Key));
    }

    [Fact(Timeout = 90_000)]
    public async Task RemoveLeftovers_StopsOurUnknownInstancesAndNeverTouchesAForeignDnsmasq()
    {
        // Two instances "left running by an earlier agent": started like the server starts them,
        // with their pid files in the run directory. And a dnsmasq of somebody else's.
        var options = new DhcpOptions(_runDir.Path);
        Process Leftover(string key, string bridge)
        {
            var scope = DhcpTestScopes.Scope(key) with { Bridge = bridge };
            var args = DnsmasqArguments.Build(scope, DhcpPaths.For(_runDir.Path, key), options);
            File.WriteAllText(Path.Combine(_runDir.Path, $"dnsmasq-{key}.hosts"), "");
            return _net.StartInside("dnsmasq", args);
        }
        // Side by side on their own bridges, as several networks' instances run in production.
        _net.AddBridge("br1", "10.77.1.1/24");
        _net.AddBridge("br2", "10.77.2.1/24");
        var foreignDir = new TempRunDir();
        Process? kept = null, gone = null, foreign = null;
        try
        {
            kept = Leftover("keep1", "br1");
            gone = Leftover("gone1", "br2");
            foreign = _net.StartInside("dnsmasq", ["--keep-in-foreground", "--conf-file=/dev/null", "--port=0",
                $"--pid-file={foreignDir.Path}/dnsmasq-zz.pid", "--interface=lo", "--bind-interfaces"]);
            await WaitForFileAsync(Path.Combine(_runDir.Path, "dnsmasq-keep1.pid"));
            await WaitForFileAsync(Path.Combine(_runDir.Path, "dnsmasq-gone1.pid"));
            await WaitForFileAsync(Path.Combine(foreignDir.Path, "dnsmasq-zz.pid"));
            // Our file name, but the pid is not our dnsmasq (a recycled pid, say): the file goes, the process stays.
            File.WriteAllText(Path.Combine(_runDir.Path, "dnsmasq-zz.pid"), $"{foreign.Id}\n");
            File.WriteAllText(Path.Combine(_runDir.Path, "unrelated.txt"), "not ours");

            var server = await StartServerAsync();
            await server.RemoveLeftoversAsync(new HashSet<string> { "keep1" }, CancellationToken.None);

            Assert.True(gone.WaitForExit(10_000), "the leftover of an unknown key still runs");
            Assert.False(kept.HasExited, "the leftover of a kept key was stopped");
            Assert.False(foreign.HasExited, "a dnsmasq we did not start was stopped");
            Assert.Equal(["bus.conf", "bus.pid", "bus.sock", "dnsmasq-keep1.hosts", "dnsmasq-keep1.leases", "dnsmasq-keep1.pid", "unrelated.txt"],
                _runDir.Files.Order(StringComparer.Ordinal));

            // Ensuring the kept key replaces the leftover with a supervised child.
            await server.EnsureAsync(DhcpTestScopes.Scope("keep1"), CancellationToken.None);
            Assert.True(kept.WaitForExit(10_000), "EnsureAsync did not stop the leftover instance");
            Assert.NotEqual(kept.Id, server.ServerPid("keep1"));
            Assert.False(foreign.HasExited);
        }
        finally
        {
            foreach (var p in new[] { kept, gone, foreign })
                if (p is { HasExited: false }) { p.Kill(); p.WaitForExit(5000); }
            foreignDir.Dispose();
        }
    }

    private static async Task WaitForFileAsync(string path)
    {
        for (var i = 0; i < 500 && !(File.Exists(path) && new FileInfo(path).Length > 0); i++)
            await Task.Delay(10);
        Assert.True(File.Exists(path), $"{path} did not appear");
    }
}
