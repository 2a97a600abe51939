using System.Net;
using OcciAgent.Tests.Http;
using Xunit.Abstractions;

namespace OcciAgent.Tests.Vms;

/// <summary>Every compute action has its real effect on a real guest, checked
/// through the guest's serial markers and an independent QMP connection.</summary>
[Trait("Category", "Vm")]
public sealed class VmLifecycleTests(ITestOutputHelper output) : VmTestBase
{
    /// <summary>Items 2 and 4: a title with ',' and '=' reaches QEMU as one escaped value; start
    /// boots the guest; QMP says running.</summary>
    [Fact]
    public async Task Start_BootsTheGuestAndATitleWithCommaAndEqualsInjectsNothing()
    {
        var path = await CreateGuestAsync("X-OCCI-Attribute: occi.core.title=\"web,debug-threads=off,process=evil=1\"");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await ActOkAsync(path, "start");
        var started = watch.Elapsed;
        Assert.Equal("active", await StateAsync(path));
        Assert.Equal("running", await QemuStatusAsync(path));
        await WaitForConsoleAsync(path, TestGuest.Booted, 1, BootTimeout);
        output.WriteLine($"start answered in {started.TotalMilliseconds:0} ms; marker after {watch.Elapsed.TotalMilliseconds:0} ms");
        var args = File.ReadAllText($"/proc/{Pid(path)}/cmdline").Split('\0');
        Assert.Equal("guest=web,,debug-threads=off,,process=evil=1,debug-threads=on", args[Array.IndexOf(args, "-name") + 1]);
        Assert.DoesNotContain(args, a => a.StartsWith("process=", StringComparison.Ordinal));
        Assert.Contains("OCCI-TEST-GUEST: boot-count 1", await ConsoleAsync(path));
    }

    /// <summary>GFD.224 §3.5.2: user_data (Base64, decoded), the SSH key and the hostname reach the guest (fw_cfg).</summary>
    [Fact]
    public async Task User_DataReachesTheGuest()
    {
        var data = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("hello from occi"));
        var path = await CreateGuestAsync(
            "Category: user_data; scheme=\"http://schemas.ogf.org/occi/infrastructure/compute#\"; class=\"mixin\"",
            "Category: ssh_key; scheme=\"http://schemas.ogf.org/occi/infrastructure/credentials#\"; class=\"mixin\"",
            $"X-OCCI-Attribute: occi.compute.userdata=\"{data}\"",
            "X-OCCI-Attribute: occi.credentials.ssh.publickey=\"ssh-ed25519 AAAAC3Nza test@occi\"",
            "X-OCCI-Attribute: occi.compute.hostname=\"web-7\"");
        await BootAsync(path);
        Assert.Contains("OCCI-TEST-GUEST: fw_cfg user_data hello from occi", await ConsoleAsync(path));
        var typed = await Agent.SendAsync(HttpMethod.Post, path + "/console",
            "echo key=$(cat /sys/firmware/qemu_fw_cfg/by_name/opt/org.ogf.occi/ssh_key/raw)\n", accept: null);
        Assert.Equal(HttpStatusCode.NoContent, typed.StatusCode);
        await WaitForConsoleAsync(path, "key=ssh-ed25519 AAAAC3Nza test@occi", 1, EventTimeout);
        await Agent.SendAsync(HttpMethod.Post, path + "/console",
            "echo host=$(cat /sys/firmware/qemu_fw_cfg/by_name/opt/org.ogf.occi/hostname/raw)\n", accept: null);
        await WaitForConsoleAsync(path, "host=web-7", 1, EventTimeout);
    }

    [Fact]
    public async Task Stop_GracefulPowersTheGuestOffThroughAcpi()
    {
        var path = await CreateGuestAsync();
        await BootAsync(path);
        var pid = Pid(path)!.Value;
        await ActOkAsync(path, "stop", "graceful");
        Assert.Equal("inactive", await StateAsync(path));
        await WaitForExitAsync(pid, TimeSpan.FromSeconds(10));
        Assert.Contains("OCCI-TEST-GUEST: power button", await ConsoleAsync(path));
    }

    /// <summary>A guest that ignores the power button (here: no OS at all, only the firmware) is
    /// powered off after the timeout; meanwhile other entities are served without waiting.</summary>
    [Fact]
    public async Task Stop_GracefulFallsBackToPoweroffAndBlocksNothingElse()
    {
        await Agent.StopAsync();
        Agent.Options.StopTimeoutSeconds = 4;
        await Agent.StartAgainAsync();
        var path = await CreateAsync("/compute/", ComputeKind, "X-OCCI-Attribute: occi.compute.memory=0.125");
        await ActOkAsync(path, "start");
        var pid = Pid(path)!.Value;
        var stop = ActAsync(path, "stop", "graceful");
        await Task.Delay(500);
        var other = await Agent.SendAsync(HttpMethod.Post, "/storage/", Lines(StorageKind, "X-OCCI-Attribute: occi.storage.size=0.0625"));
        Assert.Equal(HttpStatusCode.Created, other.StatusCode);
        Assert.False(stop.IsCompleted, "the graceful stop should still be waiting for the guest");
        var r = await stop;
        var body = await r.BodyAsync();
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Contains("did not power off within 4 s", body);
        Assert.Equal("inactive", await StateAsync(path));
        await WaitForExitAsync(pid, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Stop_PoweroffEndsTheProcessAtOnce()
    {
        var path = await CreateGuestAsync();
        await BootAsync(path);
        var pid = Pid(path)!.Value;
        await ActOkAsync(path, "stop", "poweroff");
        Assert.Equal("inactive", await StateAsync(path));
        await WaitForExitAsync(pid, TimeSpan.FromSeconds(10));
        Assert.DoesNotContain("OCCI-TEST-GUEST: power button", await ConsoleAsync(path));
    }

    /// <summary>acpioff only presses the button; the state follows the guest's power-off event.</summary>
    [Fact]
    public async Task Stop_AcpioffReturnsAtOnceAndTheStateFollowsTheGuest()
    {
        var path = await CreateGuestAsync();
        await BootAsync(path);
        var body = await ActOkAsync(path, "stop", "acpioff");
        Assert.Contains("ACPI power-down requested", body);
        var took = await WaitForStateAsync(path, "inactive", EventTimeout);
        output.WriteLine($"acpioff -> inactive after {took.TotalMilliseconds:0} ms");
        Assert.Contains("OCCI-TEST-GUEST: power button", await ConsoleAsync(path));
    }

    [Fact]
    public async Task Restart_WarmResetsInTheSameProcess()
    {
        var path = await CreateGuestAsync();
        await BootAsync(path);
        var pid = Pid(path);
        await ActOkAsync(path, "restart", "warm");
        await WaitForConsoleAsync(path, TestGuest.Booted, 2, BootTimeout);
        Assert.Equal(pid, Pid(path));
        Assert.Contains("OCCI-TEST-GUEST: boot-count 2", await ConsoleAsync(path));
        Assert.Equal("active", await StateAsync(path));
    }

    [Fact]
    public async Task Restart_ColdPowerCyclesIntoANewProcess()
    {
        var path = await CreateGuestAsync();
        await BootAsync(path);
        var pid = Pid(path)!.Value;
        await ActOkAsync(path, "restart", "cold");
        await WaitForConsoleAsync(path, TestGuest.Booted, 2, BootTimeout);
        Assert.NotEqual(pid, Pid(path));
        await WaitForExitAsync(pid, TimeSpan.FromSeconds(10));
        Assert.Contains("OCCI-TEST-GUEST: boot-count 2", await ConsoleAsync(path));
    }

    [Fact]
    public async Task Restart_GracefulPowersDownAndBootsAgain()
    {
        var path = await CreateGuestAsync();
        await BootAsync(path);
        await ActOkAsync(path, "restart", "graceful");
        await WaitForConsoleAsync(path, TestGuest.Booted, 2, BootTimeout);
        var console = await ConsoleAsync(path);
        Assert.Contains("OCCI-TEST-GUEST: power button", console);
        Assert.Contains("OCCI-TEST-GUEST: boot-count 2", console);
        Assert.Equal("active", await StateAsync(path));
    }

    [Fact]
    public async Task Suspend_PausesTheVcpusAndStartResumesThem()
    {
        var path = await CreateGuestAsync();
        await BootAsync(path);
        await ActOkAsync(path, "suspend", "suspend");
        Assert.Equal("suspended", await StateAsync(path));
        Assert.Equal("paused", await QemuStatusAsync(path));
        await ActOkAsync(path, "start");
        Assert.Equal("active", await StateAsync(path));
        Assert.Equal("running", await QemuStatusAsync(path));
    }

    /// <summary>Hibernate saves RAM into the root disk and ends the process; start resumes the
    /// same guest (no second boot) and its serial shell still answers.</summary>
    [Fact]
    public async Task Hibernate_EndsTheProcessAndStartResumesWithoutAReboot()
    {
        var path = await CreateGuestAsync();
        await BootAsync(path);
        var pid = Pid(path)!.Value;
        await ActOkAsync(path, "suspend", "hibernate");
        Assert.Equal("suspended", await StateAsync(path));
        await WaitForExitAsync(pid, TimeSpan.FromSeconds(10));
        Assert.True(File.Exists(Path.Combine(Agent.VmDir(IdOf(path)), "hibernated")));
        await ActOkAsync(path, "start");
        Assert.Equal("active", await StateAsync(path));
        Assert.Equal("running", await QemuStatusAsync(path));
        var typed = await Agent.SendAsync(HttpMethod.Post, path + "/console", "echo resumed-$((6*7))\n", contentType: "text/plain", accept: null);
        Assert.Equal(HttpStatusCode.NoContent, typed.StatusCode);
        await WaitForConsoleAsync(path, "resumed-42", 1, EventTimeout);
        Assert.Equal(1, Count(await ConsoleAsync(path), TestGuest.Booted));
        Assert.False(File.Exists(Path.Combine(Agent.VmDir(IdOf(path)), "hibernated")));
    }

    /// <summary>Item 5: cores and memory apply at boot; changing them while the VM runs is
    /// refused (409), and allowed once it is stopped.</summary>
    [Fact]
    public async Task Cores_AndMemoryChangeOnlyWhileInactive()
    {
        var path = await CreateGuestAsync();
        await BootAsync(path);
        var r = await Agent.SendAsync(HttpMethod.Post, path, Lines("X-OCCI-Attribute: occi.compute.cores=2"));
        Assert.Equal(HttpStatusCode.Conflict, r.StatusCode);
        Assert.Contains("stop it first", await r.BodyAsync());
        await ActOkAsync(path, "stop", "poweroff");
        r = await Agent.SendAsync(HttpMethod.Post, path, Lines("X-OCCI-Attribute: occi.compute.cores=2"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        await BootAsync(path, bootsBefore: 1);
        var args = File.ReadAllText($"/proc/{Pid(path)}/cmdline").Split('\0');
        Assert.Equal("2", args[Array.IndexOf(args, "-smp") + 1]);
    }

    /// <summary>Item 6: deleting a compute ends its VM and removes its overlay, not its volumes.</summary>
    [Fact]
    public async Task Delete_OfARunningComputeEndsTheVmAndKeepsLinkedVolumes()
    {
        var storage = await CreateAsync("/storage/", StorageKind, "X-OCCI-Attribute: occi.storage.size=0.0625");
        var path = await CreateGuestAsync();
        await CreateAsync("/storagelink/", StorageLinkKind,
            $"X-OCCI-Attribute: occi.core.source=\"{path}\"", $"X-OCCI-Attribute: occi.core.target=\"{storage}\"");
        await BootAsync(path);
        var pid = Pid(path)!.Value;
        var dir = Agent.VmDir(IdOf(path));
        Assert.True(File.Exists(Path.Combine(dir, "root.qcow2")));
        var r = await Agent.SendAsync(HttpMethod.Delete, path);
        Assert.True(r.IsSuccessStatusCode, await r.BodyAsync());
        await WaitForExitAsync(pid, TimeSpan.FromSeconds(10));
        Assert.False(Directory.Exists(dir));
        Assert.True(File.Exists(Agent.VolumePath(IdOf(storage))));
        Assert.Equal(HttpStatusCode.OK, (await Agent.SendAsync(HttpMethod.Get, storage)).StatusCode);
    }
}
