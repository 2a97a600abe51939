using System.Text.Json;
using OcciAgent.Hypervisor.Qemu;
using OcciAgent.Hypervisor.Qemu.Qmp;

namespace OcciAgent.Hypervisor.Vm;

/// <summary>One VM and its QEMU process, supervised over QMP. Its status
/// follows QMP events as they arrive (STOP, RESUME, SHUTDOWN, GUEST_PANICKED, the socket closing),
/// and <see cref="StatusChanged"/> reports every change without anyone polling. Operations are
/// serialised per VM; events are handled while an operation waits for them.</summary>
public sealed partial class VirtualMachine : IVirtualMachine
{
    private readonly IVmLauncher _launcher;
    private readonly VmOptions _options;
    private readonly SemaphoreSlim _op = new(1, 1);
    private readonly object _gate = new();
    private VmStatus _status;
    private volatile Session? _session;

    /// <summary>One QEMU process as seen through its QMP connection.</summary>
    private sealed class Session(QmpClient qmp, int pid, SerialConsole? console)
    {
        public QmpClient Qmp { get; } = qmp;
        public int Pid { get; } = pid;
        public SerialConsole? Console { get; } = console;
        public TaskCompletionSource Exited { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public volatile bool QuitRequested;
        public volatile bool Panicked;
        public volatile bool QuietPause;
        /// <summary>The agent let go (it is stopping); QEMU keeps running.</summary>
        public volatile bool Detached;
    }

    public VirtualMachine(VmDirectory directory, IVmLauncher launcher, VmOptions options)
    {
        Directory = directory;
        _launcher = launcher;
        _options = options;
        _status = OffStatus();
    }

    public string Id => Directory.Id;
    public VmDirectory Directory { get; }

    public VmStatus Status { get { lock (_gate) return _status; } }

    /// <summary>Raised on every status change, on the thread that saw it; handlers must not block.</summary>
    public event Action<VirtualMachine, VmStatus>? StatusChanged;

    /// <summary>No process: hibernated exactly while the marker exists.</summary>
    private VmStatus OffStatus() => VmStatus.Off with { Hibernated = File.Exists(Directory.HibernationMarker) };

    private void SetStatus(VmStatus s)
    {
        lock (_gate)
        {
            if (_status == s) return;
            _status = s;
        }
        StatusChanged?.Invoke(this, s);
    }

    private async Task<T> Serialised<T>(Func<Task<T>> work, CancellationToken ct)
    {
        await _op.WaitAsync(ct).ConfigureAwait(false);
        try { return await work().ConfigureAwait(false); }
        finally { _op.Release(); }
    }

    private Task Serialised(Func<Task> work, CancellationToken ct) =>
        Serialised(async () => { await work().ConfigureAwait(false); return true; }, ct);

    /// <summary>At agent start: find the QEMU this VM had, if it still runs, and take control of it
    /// again. <paramref name="wasRunning"/> is what the agent last recorded; a QEMU that is gone
    /// although the VM was running died without a guest power-off (which would have left QEMU in
    /// state <c>shutdown</c>, thanks to <c>-no-shutdown</c>).</summary>
    public Task<VmStatus> ReattachAsync(bool wasRunning, CancellationToken ct) => Serialised(async () =>
    {
        var hibernated = File.Exists(Directory.HibernationMarker);
        // Whoever listens on our QMP socket is our QEMU, and SO_PEERCRED gives its PID as we see
        // it; the pid file (and systemd's MainPID) may be from another PID namespace, so the
        // file only names a QEMU that is gone.
        var pid = Directory.ReadPid();
        // A process that accepts on the socket is alive (a zombie has closed its sockets), and
        // the PID is taken while it is connected, so it cannot be a recycled one.
        if (await ProcessInfo.ListenerPidAsync(Directory.QmpSocket, _options.ConnectTimeout, ct).ConfigureAwait(false) is { } p)
        {
            await AttachAsync(p, ct).ConfigureAwait(false);
            var status = await _session!.Qmp.QueryStatusAsync(ct).ConfigureAwait(false);
            switch (status.Status)
            {
                case QmpRunState.Running:
                    SetStatus(new VmStatus(VmPhase.Running, Pid: p));
                    break;
                case QmpRunState.Shutdown or QmpRunState.Prelaunch or QmpRunState.Inmigrate or QmpRunState.Postmigrate
                    or QmpRunState.FinishMigrate or QmpRunState.SaveVm or QmpRunState.RestoreVm:
                    // Powered off while we were away, or caught half-way through a start or a save.
                    await QuitAsync(ct).ConfigureAwait(false);
                    break;
                case QmpRunState.GuestPanicked:
                    _session!.Panicked = true;
                    SetStatus(new VmStatus(VmPhase.Error, "the guest kernel panicked", Pid: p));
                    break;
                default:
                    SetStatus(new VmStatus(VmPhase.Paused, Pid: p));
                    break;
            }
        }
        else if (wasRunning && !hibernated)
        {
            SetStatus(new VmStatus(VmPhase.Error,
                $"QEMU (pid {pid?.ToString() ?? "unknown"}) exited while the agent was not running, without a guest power-off: it was killed or crashed; see the console log"));
        }
        else
        {
            SetStatus(VmStatus.Off with { Hibernated = hibernated });
        }
        return Status;
    }, ct);

    /// <summary>Boots the VM (or resumes it from hibernation). <paramref name="spec"/> builds the
    /// QEMU definition; it is told whether the vCPUs must start paused.</summary>
    public Task StartAsync(Func<bool, VmSpec> spec, CancellationToken ct) => Serialised(async () =>
    {
        var st = Status;
        if (st.Phase == VmPhase.Running) return;
        if (st.Phase == VmPhase.Paused)
        {
            await _session!.Qmp.ContAsync(ct).ConfigureAwait(false);
            SetStatus(new VmStatus(VmPhase.Running, Pid: _session.Pid));
            return;
        }
        if (st.Phase == VmPhase.Error && _session is not null)
            await QuitAsync(ct).ConfigureAwait(false);
        var hibernated = File.Exists(Directory.HibernationMarker);
        // A VM hibernated by an agent that left PCI placement to QEMU has no slot file: it resumes in
        // QEMU's placement once (its saved device state needs it); its next cold boot takes fixed slots.
        var implicitSlots = hibernated && !File.Exists(Directory.PciSlots);
        var launch = spec(hibernated);
        await LaunchAsync(launch with { ImplicitSlots = launch.ImplicitSlots || implicitSlots }, ct).ConfigureAwait(false);
        if (hibernated) await ResumeFromHibernationAsync(ct).ConfigureAwait(false);
        SetStatus(new VmStatus(VmPhase.Running, Pid: _session!.Pid));
    }, ct);

    private async Task LaunchAsync(VmSpec spec, CancellationToken ct)
    {
        Directory.Create();
        Directory.ClearRuntimeFiles();
        // Every device keeps the PCI slot it had (also one hot-plugged into the last process); new ones
        // take free slots of their range. Written before the launch: QEMU places them so.
        if (!spec.ImplicitSlots) spec = PciSlots.Assign(spec, SlotFile.Read(Directory.PciSlots));
        var args = QemuArgs.Build(spec);
        if (!spec.ImplicitSlots) SlotFile.Write(Directory.PciSlots, SlotFile.Of(spec));
        var pid = await _launcher.LaunchAsync(spec, args, ct).ConfigureAwait(false);
        try
        {
            Directory.RestrictRuntimeFiles();
            await AttachAsync(pid, ct).ConfigureAwait(false);
        }
        catch
        {
            await _launcher.KillAsync(Id, pid, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private async Task AttachAsync(int pid, CancellationToken ct)
    {
        QmpClient qmp;
        try
        {
            qmp = await QmpClient.ConnectAsync(Directory.QmpSocket, _options.ConnectTimeout, ct).ConfigureAwait(false);
        }
        catch (QmpException e)
        {
            throw new VmException(VmErrorKind.Failed, $"VM {Id}: QEMU (pid {pid}) does not answer on QMP: {e.Message}", e);
        }
        SerialConsole? console = null;
        try
        {
            console = await SerialConsole.ConnectAsync(Directory.SerialSocket, Directory.ConsoleLog, _options.ConsoleLogBytes,
                TimeSpan.FromSeconds(2), ct).ConfigureAwait(false);
        }
        catch (VmException)
        {
            // The VM is controllable without its console; the log just stays as it was.
        }
        var session = new Session(qmp, pid, console);
        _session = session;
        _ = Task.Run(() => PumpAsync(session));
    }

    /// <summary>Reads QMP events until QEMU closes the connection, turning them into status.</summary>
    private async Task PumpAsync(Session s)
    {
        try
        {
            await foreach (var ev in s.Qmp.Events.ReadAllAsync().ConfigureAwait(false))
                Handle(s, ev);
        }
        catch (Exception)
        {
            // The channel faulted: the connection is gone, handled below like a close.
        }
        await s.Qmp.Closed.ConfigureAwait(false);
        if (s.Console is not null) await s.Console.DisposeAsync().ConfigureAwait(false);
        await s.Qmp.DisposeAsync().ConfigureAwait(false);
        if (ReferenceEquals(_session, s)) _session = null;
        if (s.Detached) { }
        else if (s.Panicked)
            SetStatus(new VmStatus(VmPhase.Error, Status.Message ?? "the guest kernel panicked"));
        else if (s.QuitRequested)
            SetStatus(OffStatus());
        else
            SetStatus(new VmStatus(VmPhase.Error,
                $"QEMU (pid {s.Pid}) exited unexpectedly, without a guest power-off (killed or crashed); see the console log"));
        s.Exited.TrySetResult();
    }

    /// <summary>Lets go of the QEMU process without touching it (agent shutdown or upgrade): the
    /// VM keeps running and the next agent reattaches (QEMU serves one QMP client at a time).</summary>
    public async Task DetachAsync()
    {
        if (_session is not { } s) return;
        s.Detached = true;
        await s.Qmp.DisposeAsync().ConfigureAwait(false);
        await s.Exited.Task.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
    }

    private void Handle(Session s, QmpEvent ev)
    {
        switch (ev.Name)
        {
            case "STOP" when !s.QuietPause && !s.QuitRequested && Status.Phase == VmPhase.Running:
                SetStatus(new VmStatus(VmPhase.Paused, Pid: s.Pid));
                break;
            case "RESUME" when !s.QuietPause && Status.Phase is VmPhase.Paused:
                SetStatus(new VmStatus(VmPhase.Running, Pid: s.Pid));
                break;
            case "GUEST_PANICKED":
                s.Panicked = true;
                var action = DataString(ev, "action");
                SetStatus(new VmStatus(VmPhase.Error, $"the guest kernel panicked (QEMU action: {action ?? "unknown"})", Pid: s.Pid));
                break;
            case "SHUTDOWN" when !s.Panicked && !s.QuitRequested:
                // The guest powered itself off (or obeyed an ACPI power-down); QEMU stays in
                // state "shutdown" (-no-shutdown) until we end the process. A SHUTDOWN caused by
                // our own quit (reason host-qmp-quit) needs nothing.
                _ = QuitSessionAsync(s);
                break;
        }
    }

    /// <summary>Registers for an event before <paramref name="trigger"/> runs, so it cannot be missed
    /// (<see cref="QmpClient.WaitForEventAsync(Func{QmpEvent, bool}, Func{Task}, TimeSpan, CancellationToken)"/>).
    /// A QEMU that goes away meanwhile fails the wait at once with a <see cref="QmpException"/>
    /// (connection closed) instead of holding the VM for the whole timeout.</summary>
    private async Task<QmpEvent> TriggerAndWaitAsync(Func<QmpEvent, bool> match, Func<Task> trigger, TimeSpan timeout, string what, CancellationToken ct)
    {
        var s = _session ?? throw new VmException(VmErrorKind.Conflict, $"VM {Id} is not running; {what} needs a running VM");
        try
        {
            return await s.Qmp.WaitForEventAsync(match, trigger, timeout, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new VmException(VmErrorKind.Timeout, $"VM {Id}: {what} did not happen within {timeout.TotalSeconds:0.#} s");
        }
    }

    private static async Task QuitSessionAsync(Session s)
    {
        s.QuitRequested = true;
        try { await s.Qmp.RequestQuitAsync(CancellationToken.None).ConfigureAwait(false); }
        catch (QmpException) { /* closed while replying: that is what quit does */ }
    }

    /// <summary>Ends the QEMU process at once (the "pull the plug" of stop/poweroff) and waits for it.</summary>
    private async Task QuitAsync(CancellationToken ct)
    {
        if (_session is not { } s) return;
        await QuitSessionAsync(s).ConfigureAwait(false);
        try
        {
            await s.Exited.Task.WaitAsync(_options.ExitTimeout, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await _launcher.KillAsync(Id, s.Pid, CancellationToken.None).ConfigureAwait(false);
            await s.Exited.Task.WaitAsync(_options.ExitTimeout, ct).ConfigureAwait(false);
        }
    }

    private Session Live(string what)
    {
        if (_session is { } s && Status.Phase is VmPhase.Running or VmPhase.Paused or VmPhase.Error) return s;
        throw new VmException(VmErrorKind.Conflict, $"VM {Id} is not running; {what} needs a running VM");
    }

    /// <summary>A string member of an event's data; events without data have none.</summary>
    private static string? DataString(QmpEvent ev, string name) =>
        ev.Data.ValueKind == JsonValueKind.Object && ev.Data.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString() : null;

    private static VmException Failed(string id, string what, QmpException e) =>
        new(VmErrorKind.Failed, $"VM {id}: {what} failed: {e.Message}", e);
}
