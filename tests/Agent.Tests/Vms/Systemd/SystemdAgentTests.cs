using OcciAgent.Config.Settings;
using System.Diagnostics;
using System.Net;
using OcciAgent.Hypervisor.Qemu.Qmp;
using OcciAgent.Hypervisor.Systemd;
using OcciAgent.Hypervisor.Vm;
using OcciAgent.Tests.Http;

namespace OcciAgent.Tests.Vms.Systemd;

/// <summary>The agent with the systemd launcher against the real systemd and machined of the
/// with-systemd harness, booting the test guest: VMs are units that outlive the agent, and the
/// next agent reattaches and controls them. It holds its own
/// <see cref="AgentServer"/> (not <see cref="VmTestBase"/>'s) because the state dir must be short
/// and inside the harness's shared $TMPDIR.</summary>
[Trait("Category", "Systemd")]
[Collection("vms")]
public sealed class SystemdAgentTests : IAsyncLifetime
{
    private SystemdManager _systemd = null!;
    private readonly List<string> _ids = [];
    private AgentServer Agent { get; set; } = null!;

    public async Task InitializeAsync()
    {
        if (string.IsNullOrEmpty(SystemdFactAttribute.Bus)) return;
        _systemd = await SystemdManager.ConnectAsync(SystemdFactAttribute.Bus, TimeSpan.FromSeconds(10), CancellationToken.None);
        await StartAgentAsync("systemd");
    }

    /// <summary>A state dir under $TMPDIR, which the harness shares with the container (QEMU
    /// runs in there), with a short name: vms/&lt;uuid&gt;/monitor.sock must fit 107 bytes.</summary>
    private async Task StartAgentAsync(string launcher)
    {
        var dir = Path.Combine(Path.GetTempPath(), "a" + Guid.NewGuid().ToString("N")[..7]);
        Agent = await AgentServer.StartAsync(dir, s =>
        {
            TestGuest.Register(s.StateDir);
            // The test guest's kernel and initrd are links into ~/.cache, which the container
            // cannot see: copy them next to the image.
            foreach (var f in Directory.GetFiles(Path.Combine(dir, "images")))
                if (new FileInfo(f).LinkTarget is { } target)
                {
                    var source = Path.GetFullPath(target, Path.GetDirectoryName(f)!);
                    File.Delete(f);
                    File.Copy(source, f);
                }
            s.Options.Systemd.VmLauncher = Enum.Parse<LauncherMode>(launcher, ignoreCase: true);
            s.Options.SystemdBus = SystemdFactAttribute.Bus;
            s.Options.VmSlice = "occi-agenttest.slice";
        });
    }

    public async Task DisposeAsync()
    {
        if (_systemd is null) return;
        try
        {
            await Agent.StopAsync();
            foreach (var id in _ids)
            {
                var unit = UnitNames.ForVm(id);
                try { if (await _systemd.GetUnitAsync(unit) is not null) await _systemd.StopUnitAsync(unit, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)); }
                catch (Exception e) when (e is SystemdException or TimeoutException) { }
            }
        }
        finally
        {
            await Agent.DisposeAsync();
            await _systemd.DisposeAsync();
        }
    }

    private async Task<string> NewGuestAsync()
    {
        var r = await Agent.SendAsync(HttpMethod.Post, "/compute/", Lines(AgentTestBase.ComputeKind, TestGuest.OsTpl, "X-OCCI-Attribute: occi.compute.memory=0.125"));
        Assert.True(r.StatusCode == HttpStatusCode.Created, $"POST /compute/: {(int)r.StatusCode} {await r.BodyAsync()}");
        var path = r.LocationPath();
        _ids.Add(IdOf(path));
        return path;
    }

    private static string Lines(params string[] lines) => string.Join("\r\n", lines) + "\r\n";

    private static string IdOf(string path) => path[(path.LastIndexOf('/') + 1)..];

    private async Task<string> GetTextAsync(string path)
    {
        var r = await Agent.SendAsync(HttpMethod.Get, path);
        var body = await r.BodyAsync();
        Assert.True(r.IsSuccessStatusCode, $"GET {path}: {(int)r.StatusCode} {body}");
        return body;
    }

    private async Task<string?> StateAsync(string path)
    {
        const string prefix = "X-OCCI-Attribute: occi.compute.state=";
        return (await GetTextAsync(path)).Split("\r\n").FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..].Trim('"');
    }

    private async Task ActOkAsync(string path, string action)
    {
        var body = Lines($"Category: {action}; scheme=\"{VmTestBase.ActionScheme}\"; class=\"action\"");
        var r = await Agent.SendAsync(HttpMethod.Post, $"{path}?action={action}", body);
        Assert.True(r.StatusCode == HttpStatusCode.OK, $"{action}: {(int)r.StatusCode} {await r.BodyAsync()}");
    }

    /// <summary>Starts the VM and waits for the guest's n-th "booted" line on the console.</summary>
    private async Task BootAsync(string path, int bootsBefore = 0)
    {
        await ActOkAsync(path, "start");
        var watch = Stopwatch.StartNew();
        var text = "";
        while (watch.Elapsed < TimeSpan.FromSeconds(90))
        {
            var r = await Agent.SendAsync(HttpMethod.Get, path + "/console", accept: null);
            text = await r.BodyAsync();
            if (text.Split('\n').Count(l => l.Trim() == TestGuest.Booted) > bootsBefore) return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"{path} did not boot within 90 s; console:\n{text}");
    }

    private async Task<string> QemuStatusAsync(string path)
    {
        await using var m = await QmpClient.ConnectAsync(Path.Combine(Agent.VmDir(IdOf(path)), "monitor.sock"), TimeSpan.FromSeconds(10));
        return (await m.QueryStatusAsync()).Status.ToQmpName();
    }

    private static bool Alive(int pid)
    {
        try { var stat = File.ReadAllText($"/proc/{pid}/stat"); return stat[stat.LastIndexOf(')') + 2] is not ('Z' or 'X'); }
        catch (IOException) { return false; }
    }

    private static Task WaitForExitAsync(int pid, TimeSpan timeout) => Eventually(() => Task.FromResult(!Alive(pid)), $"the exit of QEMU {pid}", timeout);

    private async Task<string?> UnitStateAsync(string path) => await _systemd.ActiveStateAsync(UnitNames.ForVm(IdOf(path)));

    private async Task<int> QemuPidAsync(string path) =>
        await ProcessInfo.ListenerPidAsync(Path.Combine(Agent.VmDir(IdOf(path)), "monitor.sock"), TimeSpan.FromSeconds(5), CancellationToken.None)
            ?? throw new InvalidOperationException($"nothing listens on the monitor socket of {path}");

    /// <summary>The unit's processes as the host sees them (the harness's cgroup on the host).</summary>
    private async Task<int[]> UnitHostPidsAsync(string path)
    {
        var unitPath = await _systemd.GetUnitAsync(UnitNames.ForVm(IdOf(path))) ?? throw new InvalidOperationException("no unit");
        var cg = await _systemd.StringPropertyAsync(unitPath, "org.freedesktop.systemd1.Service", "ControlGroup");
        return File.ReadAllLines(Environment.GetEnvironmentVariable("WITH_SYSTEMD_CGROUP") + cg + "/cgroup.procs").Select(int.Parse).ToArray();
    }

    private async Task<bool> MachineExistsAsync(string path) =>
        await Machined.GetAsync(_systemd, UnitNames.MachineFor(IdOf(path))!) is not null;

    /// <summary>Polls until <paramref name="check"/> holds (machined and systemd drop things
    /// asynchronously, with no signal to the test).</summary>
    private static async Task Eventually(Func<Task<bool>> check, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        var end = DateTime.UtcNow + limit;
        while (!await check())
        {
            if (DateTime.UtcNow > end) throw new TimeoutException($"{what} did not happen within {limit.TotalSeconds} s");
            await Task.Delay(50);
        }
    }

    [SystemdFact(Timeout = 300_000)]
    public async Task A_VmIsAUnitThatOutlivesTheAgentAndObeysTheNextOne()
    {
        Assert.Contains("launcher: systemd", await GetTextAsync("/host"));
        var path = await NewGuestAsync();
        await BootAsync(path);
        Assert.Equal("active", await UnitStateAsync(path));
        var qemu = await QemuPidAsync(path);
        Assert.Equal([qemu], await UnitHostPidsAsync(path));
        Assert.True(await MachineExistsAsync(path));

        // The agent goes away: the VM is systemd's and keeps running.
        await Agent.StopAsync();
        Assert.Equal("active", await UnitStateAsync(path));
        Assert.True(Alive(qemu));
        Assert.Equal("running", await QemuStatusAsync(path));

        await Agent.StartAgainAsync();
        Assert.Equal("active", await StateAsync(path));
        await ActOkAsync(path, "suspend");
        Assert.Equal("suspended", await StateAsync(path));
        Assert.Equal("paused", await QemuStatusAsync(path));
        await ActOkAsync(path, "start");
        Assert.Equal("active", await StateAsync(path));
        Assert.Equal("running", await QemuStatusAsync(path));
        Assert.Equal(qemu, await QemuPidAsync(path));

        await ActOkAsync(path, "stop");
        Assert.Equal("inactive", await StateAsync(path));
        await WaitForExitAsync(qemu, TimeSpan.FromSeconds(15));
        await Eventually(async () => await UnitStateAsync(path) is null, "the unit's removal after stop");
        await Eventually(async () => !await MachineExistsAsync(path), "the machine's removal after stop");

        // A new start is a new unit; deleting the compute ends it.
        await BootAsync(path, bootsBefore: 1);
        Assert.Equal("active", await UnitStateAsync(path));
        Assert.True(await MachineExistsAsync(path));
        var r = await Agent.SendAsync(HttpMethod.Delete, path);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        await Eventually(async () => await UnitStateAsync(path) is null, "the unit's removal after DELETE");
        await Eventually(async () => !await MachineExistsAsync(path), "the machine's removal after DELETE");
        Assert.False(Directory.Exists(Agent.VmDir(IdOf(path))));
    }

    [SystemdFact(Timeout = 300_000)]
    public async Task A_VmTheDaemonLauncherStartedIsReattachedAndControlledAfterSwitchingToSystemd()
    {
        await Agent.DisposeAsync();
        await StartAgentAsync("daemon");
        Assert.Contains("launcher: daemon", await GetTextAsync("/host"));
        var path = await NewGuestAsync();
        await BootAsync(path);
        var qemu = await QemuPidAsync(path);
        Assert.Null(await UnitStateAsync(path));

        // The upgrade: same state dir, now with systemd.
        await Agent.StopAsync();
        Agent.Options.Systemd.VmLauncher = LauncherMode.Systemd;
        await Agent.StartAgainAsync();
        Assert.Contains("launcher: systemd", await GetTextAsync("/host"));
        Assert.Equal("active", await StateAsync(path));
        Assert.Equal(qemu, await QemuPidAsync(path));
        await ActOkAsync(path, "suspend");
        Assert.Equal("paused", await QemuStatusAsync(path));
        await ActOkAsync(path, "stop");
        Assert.Equal("inactive", await StateAsync(path));
        await WaitForExitAsync(qemu, TimeSpan.FromSeconds(15));

        // Its next start is a unit.
        await BootAsync(path, bootsBefore: 1);
        Assert.Equal("active", await UnitStateAsync(path));
        Assert.Equal([await QemuPidAsync(path)], await UnitHostPidsAsync(path));
    }
}
