using System.Diagnostics;
using OcciAgent.Hypervisor.Qemu;
using OcciAgent.Hypervisor.Qemu.Qmp;
using OcciAgent.Hypervisor.Systemd;
using OcciAgent.Hypervisor.Vm;
using Xunit.Abstractions;

namespace OcciAgent.Hypervisor.Tests.Systemd;

/// <summary>Both launchers start the same diskless VM, alternately, and each must answer QMP
/// "running"; the times from the launch call to a finished QMP handshake, and the systemd
/// launch's own phases, are printed (README "VMs under systemd" quotes them).</summary>
[Trait("Category", "Systemd")]
public sealed class LaunchTimingTests(ITestOutputHelper output) : SystemdHarness
{
    private const int Rounds = 5;

    [SystemdFact(Timeout = 300_000)]
    public async Task The_SystemdAndDaemonLaunchersBothBringTheSameVmToQmp()
    {
        var systemd = new SystemdLauncher(Manager, QemuPath, Slice, TimeSpan.FromSeconds(30));
        var timings = new List<LaunchTimings>();
        systemd.Launched += (_, _, t) => timings.Add(t);
        var daemon = new DaemonLauncher(QemuPath);
        var viaSystemd = new List<double>();
        var viaDaemon = new List<double>();
        for (var i = 0; i < Rounds; i++)
        {
            viaSystemd.Add(await TimeLaunchAsync(systemd));
            viaDaemon.Add(await TimeLaunchAsync(daemon));
        }
        Assert.Equal(Rounds, timings.Count);
        static double Median(IEnumerable<double> xs) => xs.Order().ElementAt(Rounds / 2);
        output.WriteLine($"median of {Rounds}, launch -> QMP handshake done: systemd {Median(viaSystemd):0.0} ms, daemon {Median(viaDaemon):0.0} ms");
        output.WriteLine($"systemd phases (median): StartTransientUnit -> JobRemoved {Median(timings.Select(t => t.JobRemoved.TotalMilliseconds)):0.0} ms, " +
                         $"-> QMP greeting {Median(timings.Select(t => t.QmpGreeting.TotalMilliseconds)):0.0} ms, " +
                         $"-> machined registered {Median(timings.Select(t => t.Registered.TotalMilliseconds)):0.0} ms");
        output.WriteLine("all systemd rounds (ms): " + string.Join(", ", viaSystemd.Select(x => x.ToString("0.0"))));
        output.WriteLine("all daemon rounds (ms): " + string.Join(", ", viaDaemon.Select(x => x.ToString("0.0"))));
    }

    private async Task<double> TimeLaunchAsync(IVmLauncher launcher)
    {
        var id = Guid.NewGuid().ToString("D");
        Track(id);
        var d = new VmDirectory(Path.Combine(Dir, "vms"), id);
        d.Create();
        var spec = new VmSpec(id, "timing", 1, 64, Accelerator.Tcg, d.Paths, [], []);
        var clock = Stopwatch.StartNew();
        var pid = await launcher.LaunchAsync(spec, QemuArgs.Build(spec), CancellationToken.None);
        await using var qmp = await QmpClient.ConnectAsync(d.QmpSocket, TimeSpan.FromSeconds(10));
        var ms = clock.Elapsed.TotalMilliseconds;
        Assert.Equal(QmpRunState.Running, (await qmp.QueryStatusAsync()).Status);
        await launcher.KillAsync(id, pid, CancellationToken.None);
        await qmp.Closed.WaitAsync(TimeSpan.FromSeconds(15));
        return ms;
    }
}
