using System.Diagnostics;
using OcciAgent.Systemd;

namespace OcciAgent.Tests.Daemon;

/// <summary>The notifier against real unix datagram sockets.</summary>
[Trait("Category", "Integration")]
public class SdNotifierTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("relative/notify")]
    [InlineData("@")]
    public void No_OrUnusableSocketDisablesNotifications(string? socket)
    {
        using var n = SdNotifier.Create(socket, "1000000", null, 42);
        Assert.False(n.Enabled);
        Assert.Null(n.WatchdogInterval);
        Assert.False(n.Ready("x"));
    }

    [Theory]
    [InlineData("2000000", null, 42, 2000.0)]
    [InlineData("2000000", "42", 42, 2000.0)]
    [InlineData("2000000", "43", 42, null)]   // the watchdog belongs to another process
    [InlineData("0", null, 42, null)]
    [InlineData("soon", null, 42, null)]
    [InlineData(null, null, 42, null)]
    public void Watchdog_IntervalOnlyWhenItIsOurs(string? usec, string? pid, int ownPid, double? expectedMs)
    {
        using var n = SdNotifier.Create("/run/notify", usec, pid, ownPid);
        Assert.Equal(expectedMs, n.WatchdogInterval?.TotalMilliseconds);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Datagrams_ReachAPathOrAbstractSocket(bool abstractName)
    {
        using var socket = new NotifySocket(abstractName);
        using var n = SdNotifier.Create(socket.Address, null, null, Environment.ProcessId);
        Assert.True(n.Ready("serving http://127.0.0.1:1\nsecond line"));
        Assert.Equal("READY=1\nSTATUS=serving http://127.0.0.1:1 second line", await socket.ReceiveAsync(TimeSpan.FromSeconds(5)));
        Assert.True(n.WatchdogPing());
        Assert.Equal("WATCHDOG=1", await socket.ReceiveAsync(TimeSpan.FromSeconds(5)));
        Assert.True(n.Stopping("bye"));
        Assert.Equal("STOPPING=1\nSTATUS=bye", await socket.ReceiveAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void A_SocketNobodyListensOnIsReportedNotThrown()
    {
        using var n = SdNotifier.Create("/nonexistent-dir/notify", null, null, 1);
        Assert.True(n.Enabled);
        Assert.False(n.Ready("x"));
    }

    [Fact]
    public async Task Children_DoNotInheritTheVariables()
    {
        using var socket = new NotifySocket();
        Environment.SetEnvironmentVariable(SdNotifier.SocketVariable, socket.Address);
        Environment.SetEnvironmentVariable(SdNotifier.WatchdogUsecVariable, "4000000");
        Environment.SetEnvironmentVariable(SdNotifier.WatchdogPidVariable, Environment.ProcessId.ToString());
        using var n = SdNotifier.FromEnvironment();
        Assert.Equal(socket.Address, n.SocketPath);
        Assert.Equal(TimeSpan.FromSeconds(4), n.WatchdogInterval);

        // A real child, as QEMU or dnsmasq would be started.
        var psi = new ProcessStartInfo("env") { RedirectStandardOutput = true };
        using var child = Process.Start(psi)!;
        var env = await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync();
        Assert.Contains("PATH=", env);
        Assert.DoesNotContain("NOTIFY_SOCKET", env);
        Assert.DoesNotContain("WATCHDOG_", env);
    }
}
