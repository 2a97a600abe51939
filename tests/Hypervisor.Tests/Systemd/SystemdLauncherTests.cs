using System.Diagnostics;
using OcciAgent.Hypervisor.Qemu;
using OcciAgent.Hypervisor.Qemu.Qmp;
using OcciAgent.Hypervisor.Systemd;
using OcciAgent.Hypervisor.Vm;
using OcciAgent.Hypervisor.Volumes;

namespace OcciAgent.Hypervisor.Tests.Systemd;

/// <summary>The systemd launcher against the real systemd 252 and machined of the with-systemd
/// harness, launching real QEMU (a diskless PC idling in SeaBIOS under TCG).</summary>
[Trait("Category", "Systemd")]
public sealed class SystemdLauncherTests : SystemdHarness
{
    private SystemdLauncher Launcher(string? qemu = null) =>
        new(Manager, qemu ?? QemuPath, Slice, TimeSpan.FromSeconds(30));

    private (VmDirectory Dir, VmSpec Spec) NewVm()
    {
        var id = Guid.NewGuid().ToString("D");
        Track(id);
        var d = new VmDirectory(Path.Combine(Dir, "vms"), id);
        d.Create();
        return (d, new VmSpec(id, "test vm", 1, 64, Accelerator.Tcg, d.Paths, [], []));
    }

    [SystemdFact(Timeout = 120_000)]
    public async Task A_VmRunsAsAnActiveUnitInItsSliceWhoseMainPidIsTheQemuWeTalkTo()
    {
        var launcher = Launcher();
        var (dir, spec) = NewVm();
        var unit = UnitNames.ForVm(spec.Id);
        var watch = Stopwatch.StartNew();
        var pid = await launcher.LaunchAsync(spec, QemuArgs.Build(spec), CancellationToken.None);
        var launchMs = watch.Elapsed.TotalMilliseconds;

        var path = await Manager.GetUnitAsync(unit);
        Assert.NotNull(path);
        Assert.Equal("active", await Manager.StringPropertyAsync(path, SystemdManager.UnitIface, "ActiveState"));
        Assert.Equal("running", await Manager.StringPropertyAsync(path, SystemdManager.UnitIface, "SubState"));
        Assert.Equal(Slice, await Manager.StringPropertyAsync(path, SystemdManager.ServiceIface, "Slice"));
        var mainPid = await Manager.MainPidAsync(path);
        Assert.True(mainPid > 0);
        // The PID the launcher returned (SO_PEERCRED on the QMP socket) is the unit's process
        // as the host sees it, and the container's systemd knows the same process as MainPID.
        Assert.Equal([pid], await HostPidsAsync(unit));
        Assert.Equal((int)mainPid, InnermostPid(pid));
        Assert.True(await ProcessInfo.ListenerPidAsync(dir.QmpSocket, TimeSpan.FromSeconds(5), CancellationToken.None) == pid);

        await using (var qmp = await QmpClient.ConnectAsync(dir.QmpSocket, TimeSpan.FromSeconds(10)))
        {
            Assert.Equal(QmpRunState.Running, (await qmp.QueryStatusAsync()).Status);
            using var ended = await Manager.WatchAsync(unit);
            await qmp.QuitAsync();
            Assert.Contains(await ended.Ended.WaitAsync(TimeSpan.FromSeconds(15)), new[] { "inactive", "removed" });
        }
        // CollectMode=inactive-or-failed: nothing is left behind that would block the next start.
        await Eventually(async () => await Manager.GetUnitAsync(unit) is null, $"{unit} collected");
        Console.WriteLine($"systemd launch -> QMP greeting: {launchMs:0.0} ms");
    }

    [SystemdFact(Timeout = 120_000)]
    public async Task A_RunningVmIsRegisteredWithMachinedAndDroppedWhenItsUnitEnds()
    {
        var launcher = Launcher();
        var warnings = new List<string>();
        launcher.Warning += (_, w) => warnings.Add(w);
        var (_, spec) = NewVm();
        var unit = UnitNames.ForVm(spec.Id);
        var name = UnitNames.MachineFor(spec.Id)!;
        var pid = await launcher.LaunchAsync(spec, QemuArgs.Build(spec), CancellationToken.None);
        Assert.Empty(warnings);

        var machine = await Machined.GetAsync(Manager, name);
        Assert.NotNull(machine);
        var (mUnit, leader, cls, id) = await Machined.DescribeAsync(Manager, machine);
        Assert.Equal(unit, mUnit);
        Assert.Equal("vm", cls);
        Assert.Equal(await Manager.MainPidAsync((await Manager.GetUnitAsync(unit))!), leader);
        Assert.Equal(Machined.IdFor(spec.Id), id);

        await launcher.KillAsync(spec.Id, pid, CancellationToken.None);
        await Eventually(async () => await Manager.GetUnitAsync(unit) is null, $"{unit} gone after KillAsync");
        await Eventually(async () => await Machined.GetAsync(Manager, name) is null, $"machine {name} dropped");
        await Eventually(() => Task.FromResult(!File.Exists($"/proc/{pid}/stat") || File.ReadAllText($"/proc/{pid}/stat").Contains(") Z")), $"QEMU {pid} gone");
    }

    [SystemdFact(Timeout = 120_000)]
    public async Task Qemu_RefusingItsArgumentsFailsTheLaunchWithItsOwnMessage()
    {
        var launcher = Launcher();
        var (_, spec) = NewVm();
        var e = await Assert.ThrowsAsync<VmException>(() =>
            launcher.LaunchAsync(spec, [.. QemuArgs.Build(spec), "-no-such-option"], CancellationToken.None));
        Assert.Equal(VmErrorKind.Failed, e.Kind);
        Assert.Contains("QEMU refused to start VM " + spec.Id, e.Message);
        Assert.Contains("-no-such-option: invalid option", e.Message);
        Assert.Null(await Manager.GetUnitAsync(UnitNames.ForVm(spec.Id)));
    }

    [SystemdFact(Timeout = 120_000)]
    public async Task Qemu_FailingAfterItMadeItsSocketsFailsTheLaunchWithItsOwnMessage()
    {
        var launcher = Launcher();
        var (dir, spec) = NewVm();
        // The disk is opened after the chardevs exist: QEMU dies with its socket file in place.
        var bad = spec with { Disks = [new VmDisk("vda", Path.Combine(dir.Path, "missing.qcow2"))] };
        var e = await Assert.ThrowsAsync<VmException>(() => launcher.LaunchAsync(bad, QemuArgs.Build(bad), CancellationToken.None));
        Assert.Equal(VmErrorKind.Failed, e.Kind);
        Assert.Contains("missing.qcow2", e.Message);
    }

    [SystemdFact(Timeout = 60_000)]
    public async Task A_BinaryThatCannotBeExecutedFailsTheStartJob()
    {
        var launcher = Launcher(Path.Combine(Dir, "no-such-qemu"));
        var (_, spec) = NewVm();
        var e = await Assert.ThrowsAsync<VmException>(() => launcher.LaunchAsync(spec, QemuArgs.Build(spec), CancellationToken.None));
        Assert.Contains("start job ended 'failed'", e.Message);
    }

    [SystemdFact(Timeout = 120_000)]
    public async Task A_VmReattachesByThePeerPidOfItsSocketAndANewSupervisorControlsIt()
    {
        var (dir, spec) = NewVm();
        var first = new VirtualMachine(dir, Launcher(), new VmOptions());
        await first.StartAsync(_ => spec, CancellationToken.None);
        var pid = first.Status.Pid!.Value;
        Assert.Equal([pid], await HostPidsAsync(UnitNames.ForVm(spec.Id)));
        await first.DetachAsync();

        // Under the harness the pid file holds the container's PID: reattaching must not trust it.
        Assert.Equal(InnermostPid(pid), dir.ReadPid());
        Assert.NotEqual(pid, dir.ReadPid());
        var second = new VirtualMachine(dir, Launcher(), new VmOptions());
        var status = await second.ReattachAsync(wasRunning: true, CancellationToken.None);
        Assert.Equal(VmPhase.Running, status.Phase);
        Assert.Equal(pid, status.Pid);
        await second.PauseAsync(CancellationToken.None);
        Assert.Equal(VmPhase.Paused, second.Status.Phase);
        await second.PowerOffAsync(new QemuImg("qemu-img"), CancellationToken.None);
        Assert.Equal(VmPhase.Off, second.Status.Phase);
        await Eventually(async () => await Manager.GetUnitAsync(UnitNames.ForVm(spec.Id)) is null, "unit gone after power-off");
    }

    [SystemdFact(Timeout = 120_000)]
    public async Task Systemctl_StopEndsTheVmAndTheSupervisorSeesItEnd()
    {
        var (dir, spec) = NewVm();
        var vm = new VirtualMachine(dir, Launcher(), new VmOptions());
        var seen = new TaskCompletionSource<VmStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        vm.StatusChanged += (_, s) => { if (s.Phase is VmPhase.Off or VmPhase.Error) seen.TrySetResult(s); };
        await vm.StartAsync(_ => spec, CancellationToken.None);
        var pid = vm.Status.Pid!.Value;
        Assert.Equal("done", await Manager.StopUnitAsync(UnitNames.ForVm(spec.Id), CancellationToken.None));
        var end = await seen.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Console.WriteLine($"after systemctl stop: {end.Phase} {end.Message}");
        // SIGTERM: QEMU reports SHUTDOWN (host-signal) and exits cleanly, like a power-off.
        Assert.Equal(VmPhase.Off, end.Phase);
        Assert.False(await ProcessInfo.ListenerPidAsync(dir.QmpSocket, TimeSpan.FromSeconds(5), CancellationToken.None) == pid);
        Assert.Null(await Manager.GetUnitAsync(UnitNames.ForVm(spec.Id)));
    }
}
