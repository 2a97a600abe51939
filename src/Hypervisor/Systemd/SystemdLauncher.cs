using OcciAgent.Hypervisor.Qemu;
using OcciAgent.Hypervisor.Vm;

namespace OcciAgent.Hypervisor.Systemd;

/// <summary>Runs each VM's QEMU as a transient service <c>occi-vm-&lt;id&gt;.service</c> in its
/// own slice: the VM belongs to systemd, not to the agent, so it keeps running
/// while the agent restarts or is upgraded, shows in <c>systemctl</c>, and is registered with
/// machined for <c>machinectl</c>. QEMU runs in the foreground (no <c>-daemonize</c>); its
/// output goes to <c>vms/&lt;id&gt;/qemu.log</c>, so a QEMU that refuses its arguments is quoted
/// in the error.</summary>
public sealed class SystemdLauncher : IVmLauncher, IAsyncDisposable
{
    public const string DefaultSlice = "occi-vms.slice";
    public const string OutputFileName = "qemu.log";
    private const int SigKill = 9;

    private readonly string _qemuPath;
    private readonly string _slice;
    private readonly TimeSpan _readyTimeout;
    private readonly SemaphoreSlim _reconnect = new(1, 1);
    private SystemdManager _manager;

    /// <param name="manager">A connected manager; the launcher owns it from now on.</param>
    /// <param name="qemuPath">Absolute path of QEMU (ExecStart needs one).</param>
    public SystemdLauncher(SystemdManager manager, string qemuPath, string slice, TimeSpan readyTimeout)
    {
        if (!Path.IsPathFullyQualified(qemuPath)) throw new ArgumentException($"QEMU path '{qemuPath}' must be absolute for ExecStart", nameof(qemuPath));
        if (UnitNames.CheckSlice(slice) is { } problem) throw new ArgumentException(problem, nameof(slice));
        _manager = manager;
        _qemuPath = qemuPath;
        _slice = slice;
        _readyTimeout = readyTimeout;
    }

    public string Name => "systemd";

    /// <summary>Something went wrong that does not fail the operation (machined registration):
    /// (VM id, message). src/Hypervisor has no logger; the agent logs these.</summary>
    public event Action<string, string>? Warning;

    /// <summary>A VM's unit started and QEMU greeted: (VM id, unit, timings).</summary>
    public event Action<string, string, LaunchTimings>? Launched;

    public async Task<int> LaunchAsync(VmSpec spec, IReadOnlyList<string> args, CancellationToken ct)
    {
        var m = await ManagerAsync(ct).ConfigureAwait(false);
        var unit = UnitNames.ForVm(spec.Id);
        var dir = Path.GetDirectoryName(spec.Paths.QmpSocket)!;
        var output = Path.Combine(dir, OutputFileName);
        var outputStart = File.Exists(output) ? new FileInfo(output).Length : 0;
        // Made here, owner-only: systemd would open a missing file with its own, wider, mode.
        if (!File.Exists(output) && !OperatingSystem.IsWindows())
            new FileStream(output, new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }).Dispose();
        var definition = new TransientUnit($"OCCI compute {spec.Id} ({Printable(spec.Name)})", _slice, _qemuPath, [_qemuPath, .. args], output, dir);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var ready = new QemuReadiness(spec.Paths.QmpSocket);
        using var watch = await Watch(m, unit).ConfigureAwait(false);
        string job;
        try
        {
            job = await m.StartTransientUnitAsync(unit, definition, ct).ConfigureAwait(false);
        }
        catch (SystemdException e) when (e.ErrorName == "org.freedesktop.systemd1.UnitExists")
        {
            throw new VmException(VmErrorKind.Conflict,
                $"VM {spec.Id}: the unit {unit} already exists (state {await m.ActiveStateAsync(unit).ConfigureAwait(false) ?? "gone"}): an earlier QEMU of this VM is still managed by systemd; stop it with 'systemctl stop {unit}'", e);
        }
        catch (SystemdException e)
        {
            throw new VmException(VmErrorKind.Unavailable, $"VM {spec.Id}: systemd could not start {unit}: {e.Message}", e);
        }
        var jobDone = clock.Elapsed;
        if (job != "done")
            throw Refused(spec, unit, $"its start job ended '{job}'", watch, output, outputStart);

        int? pid;
        try
        {
            pid = await ready.WaitAsync(watch.Ended, _readyTimeout, ct).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            await TryKillUnitAsync(m, unit).ConfigureAwait(false);
            throw new VmException(VmErrorKind.Timeout, $"VM {spec.Id}: {e.Message}; unit {unit} was killed", e);
        }
        if (pid is null)
        {
            // Its output is complete once the process is gone; the unit's end says how it went.
            await Task.WhenAny(watch.Ended, Task.Delay(TimeSpan.FromSeconds(5), ct)).ConfigureAwait(false);
            throw Refused(spec, unit, "QEMU exited during start-up", watch, output, outputStart);
        }
        var greeted = clock.Elapsed;
        await RegisterMachineAsync(m, spec.Id, unit).ConfigureAwait(false);
        Launched?.Invoke(spec.Id, unit, new LaunchTimings(jobDone, greeted, clock.Elapsed));
        return pid.Value;
    }

    /// <summary>SIGKILL through systemd (KillUnit); a VM without a unit (launched by the daemon
    /// launcher before an upgrade, or a unit already gone) is killed by PID.</summary>
    public async Task KillAsync(string vmId, int pid, CancellationToken ct)
    {
        var unit = UnitNames.ForVm(vmId);
        try
        {
            var m = await ManagerAsync(ct).ConfigureAwait(false);
            if (await m.GetUnitAsync(unit).ConfigureAwait(false) is not null)
            {
                await m.KillUnitAsync(unit, SigKill).ConfigureAwait(false);
                return;
            }
        }
        catch (Exception e) when (e is SystemdException or VmException)
        {
            Warning?.Invoke(vmId, $"KillUnit {unit} failed ({e.Message}); killing pid {pid} directly");
        }
        ProcessInfo.Kill(pid);
    }

    private async Task RegisterMachineAsync(SystemdManager m, string vmId, string unit)
    {
        if (UnitNames.MachineFor(vmId) is not { } name)
        {
            Warning?.Invoke(vmId, $"not registered with machined: id '{vmId}' cannot make a machine name (hostname rules, at most {UnitNames.MaxMachineName} characters)");
            return;
        }
        try
        {
            var path = await m.GetUnitAsync(unit).ConfigureAwait(false)
                ?? throw new SystemdException($"the unit {unit} vanished right after its start");
            // machined lives in systemd's PID namespace, so the leader is the unit's MainPID,
            // not the PID we see (they differ when systemd runs in a container).
            var leader = await m.MainPidAsync(path).ConfigureAwait(false);
            try
            {
                await Machined.RegisterAsync(m, name, Machined.IdFor(vmId), leader).ConfigureAwait(false);
            }
            catch (SystemdException e) when (e.ErrorName == Machined.MachineExists)
            {
                // The previous QEMU of this VM ended and machined has not dropped it yet.
                await Machined.UnregisterAsync(m, name).ConfigureAwait(false);
                await Machined.RegisterAsync(m, name, Machined.IdFor(vmId), leader).ConfigureAwait(false);
            }
        }
        catch (SystemdException e)
        {
            Warning?.Invoke(vmId, $"not registered with machined as {name}: {e.Message}");
        }
    }

    private async Task<UnitWatch> Watch(SystemdManager m, string unit)
    {
        try { return await m.WatchAsync(unit).ConfigureAwait(false); }
        catch (SystemdException e) { throw new VmException(VmErrorKind.Unavailable, $"cannot watch {unit}: {e.Message}", e); }
    }

    private static async Task TryKillUnitAsync(SystemdManager m, string unit)
    {
        try { await m.KillUnitAsync(unit, SigKill).ConfigureAwait(false); }
        catch (SystemdException) { /* already gone */ }
    }

    private static VmException Refused(VmSpec spec, string unit, string what, UnitWatch watch, string output, long from)
    {
        var end = watch.Ended.IsCompleted ? watch.Ended.Result : "running";
        var detail = watch.Result is { } r ? $", result {r}" + (watch.ExitStatus is { } x ? $", status {x}" : "") : "";
        return new VmException(VmErrorKind.Failed,
            $"QEMU refused to start VM {spec.Id} ({what}; unit {unit} {end}{detail}): {OutputSince(output, from)}");
    }

    /// <summary>What QEMU wrote during this start (the file keeps earlier starts' lines too).</summary>
    private static string OutputSince(string path, long from)
    {
        try
        {
            using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            if (from > f.Length) from = 0;
            f.Seek(from, SeekOrigin.Begin);
            var text = new StreamReader(f).ReadToEnd();
            var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return lines.Length == 0 ? "(no message)" : string.Join("; ", lines.TakeLast(5));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"(no output: {e.Message})";
        }
    }

    private static string Printable(string s) => new(s.Select(c => char.IsControl(c) ? ' ' : c).ToArray());

    /// <summary>The manager, connected again if the bus connection dropped (dbus restart).</summary>
    private async Task<SystemdManager> ManagerAsync(CancellationToken ct)
    {
        if (!_manager.Disconnected.IsCompleted) return _manager;
        await _reconnect.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (!_manager.Disconnected.IsCompleted) return _manager;
            var old = _manager;
            try
            {
                _manager = await SystemdManager.ConnectAsync(old.Address, TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
            }
            catch (SystemdException e)
            {
                throw new VmException(VmErrorKind.Unavailable, $"the systemd launcher lost its bus connection and cannot reconnect: {e.Message}", e);
            }
            await old.DisposeAsync().ConfigureAwait(false);
            return _manager;
        }
        finally
        {
            _reconnect.Release();
        }
    }

    public ValueTask DisposeAsync() => _manager.DisposeAsync();
}

/// <summary>Where a systemd launch spent its time, from just before StartTransientUnit: the
/// start job's JobRemoved, QEMU's QMP greeting, and the end of machined registration.</summary>
public sealed record LaunchTimings(TimeSpan JobRemoved, TimeSpan QmpGreeting, TimeSpan Registered);
