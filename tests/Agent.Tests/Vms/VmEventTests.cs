using System.Diagnostics;
using OcciAgent.Tests.Http;
using Xunit.Abstractions;

namespace OcciAgent.Tests.Vms;

/// <summary>The state follows what QEMU reports (QMP events), whoever
/// caused it, and VMs outlive the agent.</summary>
[Trait("Category", "Vm")]
public sealed class VmEventTests(ITestOutputHelper output) : VmTestBase
{
    /// <summary>A pause and resume done behind the agent's back (operator QMP socket) show up
    /// in the entity's state.</summary>
    [Fact]
    public async Task Pause_AndResumeFromOutsideAreFollowed()
    {
        var path = await CreateGuestAsync();
        await BootAsync(path);
        await using var monitor = await MonitorAsync(path);
        await monitor.ExecuteAsync("stop");
        var paused = await WaitForStateAsync(path, "suspended", EventTimeout);
        await monitor.ExecuteAsync("cont");
        var resumed = await WaitForStateAsync(path, "active", EventTimeout);
        output.WriteLine($"STOP -> suspended after {paused.TotalMilliseconds:0} ms, RESUME -> active after {resumed.TotalMilliseconds:0} ms");
        Assert.True(paused < TimeSpan.FromSeconds(3) && resumed < TimeSpan.FromSeconds(3), "the state must follow the event, not a slow poll");
        // And the stored state too (what an agent restart or a listing would show).
        await Agent.StopAsync();
        await Agent.StartAgainAsync();
        Assert.Equal("active", await StateAsync(path));
    }

    [Fact]
    public async Task A_GuestPoweringItselfOffBecomesInactive()
    {
        var path = await CreateGuestAsync();
        await BootAsync(path);
        var pid = Pid(path)!.Value;
        await Agent.SendAsync(HttpMethod.Post, path + "/console", "poweroff -f\n", accept: null);
        var took = await WaitForStateAsync(path, "inactive", EventTimeout);
        output.WriteLine($"guest poweroff -> inactive after {took.TotalMilliseconds:0} ms");
        await WaitForExitAsync(pid, TimeSpan.FromSeconds(10));
        Assert.Null(Attr(await GetTextAsync(path), "occi.compute.state.message"));
    }

    [Fact]
    public async Task A_GuestPanicBecomesErrorWithAMessageAndStartRecovers()
    {
        var path = await CreateGuestAsync();
        await BootAsync(path);
        await using (var monitor = await MonitorAsync(path))
            await monitor.ExecuteAsync("inject-nmi");
        await WaitForStateAsync(path, "error", EventTimeout);
        Assert.Contains("panicked", Attr(await GetTextAsync(path), "occi.compute.state.message"));
        await BootAsync(path, bootsBefore: 1);
        Assert.Equal("active", await StateAsync(path));
        Assert.Null(Attr(await GetTextAsync(path), "occi.compute.state.message"));
    }

    [Fact]
    public async Task Qemu_KilledFromOutsideBecomesErrorWithAMessage()
    {
        var path = await CreateGuestAsync();
        await BootAsync(path);
        Process.GetProcessById(Pid(path)!.Value).Kill();
        var took = await WaitForStateAsync(path, "error", EventTimeout);
        output.WriteLine($"kill -> error after {took.TotalMilliseconds:0} ms");
        Assert.Contains("exited unexpectedly", Attr(await GetTextAsync(path), "occi.compute.state.message"));
        await BootAsync(path, bootsBefore: 1);
    }

    /// <summary>The VM keeps running while the agent is away and stays controllable after.</summary>
    [Fact]
    public async Task An_AgentRestartLeavesTheVmRunningAndControllable()
    {
        var path = await CreateGuestAsync();
        await BootAsync(path);
        var pid = Pid(path)!.Value;
        await Agent.StopAsync();
        await Task.Delay(500);
        Assert.True(Alive(pid), "the VM must outlive the agent");
        await Agent.StartAgainAsync();
        Assert.Equal("active", await StateAsync(path));
        Assert.Equal(pid, Pid(path));
        await ActOkAsync(path, "suspend", "suspend");
        Assert.Equal("paused", await QemuStatusAsync(path));
        await ActOkAsync(path, "stop", "poweroff");
        await WaitForExitAsync(pid, TimeSpan.FromSeconds(10));
        Assert.Equal("inactive", await StateAsync(path));
    }

    /// <summary>Died while the agent was away: killed → error; powered off by the guest →
    /// inactive (QEMU stayed in state shutdown, thanks to -no-shutdown).</summary>
    [Fact]
    public async Task Vms_ThatEndedWhileTheAgentWasAwayAreToldApart()
    {
        var killed = await CreateGuestAsync();
        var poweredOff = await CreateGuestAsync();
        await BootAsync(killed);
        await BootAsync(poweredOff);
        var killedPid = Pid(killed)!.Value;
        var offPid = Pid(poweredOff)!.Value;
        await Agent.StopAsync();
        Process.GetProcessById(killedPid).Kill();
        await using (var m = await MonitorAsync(poweredOff))
            await m.ExecuteAsync("system_powerdown");
        await WaitForExitAsync(killedPid, TimeSpan.FromSeconds(10));
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (await QemuStatusAsync(poweredOff) != "shutdown" && DateTime.UtcNow < deadline) await Task.Delay(50);
        await Agent.StartAgainAsync();
        Assert.Equal("error", await StateAsync(killed));
        Assert.Contains("while the agent was not running", Attr(await GetTextAsync(killed), "occi.compute.state.message"));
        Assert.Equal("inactive", await StateAsync(poweredOff));
        await WaitForExitAsync(offPid, TimeSpan.FromSeconds(10));
    }
}
