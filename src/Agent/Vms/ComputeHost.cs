using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using OcciAgent.Config;
using OcciAgent.Hypervisor.Qemu;
using OcciAgent.Hypervisor.Systemd;
using OcciAgent.Hypervisor.Vm;

namespace OcciAgent.Vms;

/// <summary>The VMs of this host: what QEMU offers here (probed once at start), the launcher,
/// and one <see cref="VirtualMachine"/> per compute id. Status changes of any VM are queued on
/// <see cref="VmStatusChanges"/> (compute id) so the store follows QMP events.</summary>
public sealed class ComputeHost(AgentOptions options, VmStatusChanges changes, ILogger<ComputeHost> log) : IComputeHost, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, VirtualMachine> _vms = new(StringComparer.Ordinal);

    public QemuHost? Qemu { get; private set; }
    /// <summary>The launcher chosen at start, why, and the problem when there is none (null
    /// until the probe found a usable QEMU).</summary>
    private LauncherSelection.Choice? _launcher;
    public IVmLauncher? Launcher => _launcher?.Launcher;
    /// <summary>Why this launcher (or why none): logged at start and shown at GET /host.</summary>
    public string? LauncherReason => _launcher?.Reason;
    public string VmsDir { get; } = Path.GetFullPath(options.VmsDir);
    public VmOptions VmOptions { get; } = new() { ConsoleLogBytes = options.ConsoleLogBytes };
    public TimeSpan StopTimeout { get; } = TimeSpan.FromSeconds(options.StopTimeoutSeconds);

    /// <summary>Finds QEMU and picks the accelerator; logs the choice.</summary>
    public async Task ProbeAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(VmsDir);
        var q = await HostProbe.ProbeAsync(options.Qemu, options.Accelerator, ct);
        Qemu = q;
        if (q.CanRunVms)
        {
            var choice = await LauncherSelection.ChooseAsync(options, q.QemuPath!, VmOptions.ConnectTimeout, ct);
            _launcher = choice;
            if (Launcher is SystemdLauncher sd)
            {
                sd.Warning += (id, message) => Log.LauncherWarning(log, id, message);
                sd.Launched += (id, unit, t) => Log.VmUnitStarted(log, id, unit, t.JobRemoved.TotalMilliseconds, t.QmpGreeting.TotalMilliseconds, t.Registered.TotalMilliseconds);
            }
            Log.QemuFound(log, q.QemuPath!, q.QemuVersion!, q.Accelerator.ToString().ToLowerInvariant(), q.AcceleratorReason, Launcher?.Name ?? "none");
            if (Launcher is null) Log.LauncherUnavailable(log, choice.Problem!);
            else Log.LauncherChosen(log, Launcher.Name, choice.Reason);
        }
        else
        {
            Log.QemuMissing(log, q.Problem!);
        }
    }

    /// <summary>Refuses VM work where QEMU is unusable (503 naming the package to install).</summary>
    public QemuHost RequireQemu()
    {
        var q = Qemu ?? throw new AgentException(AgentError.Unavailable, "the QEMU probe has not finished yet; try again");
        if (!q.CanRunVms) throw new AgentException(AgentError.Unavailable, $"virtual machines are unavailable on this host: {q.Problem}");
        if (_launcher?.Problem is { } problem) throw new AgentException(AgentError.Unavailable, $"virtual machines cannot be started: {problem}");
        return q;
    }

    public VirtualMachine Vm(string computeId) => _vms.GetOrAdd(computeId, id =>
    {
        var vm = new VirtualMachine(new VmDirectory(VmsDir, id), Launcher ?? new DaemonLauncher(options.Qemu), VmOptions);
        vm.StatusChanged += (v, s) =>
        {
            Log.VmStatus(log, v.Id, s.Phase.ToString().ToLowerInvariant(), s.Message ?? "");
            changes.Report(v.Id);
        };
        return vm;
    });

    IVirtualMachine IComputeHost.Vm(string computeId) => Vm(computeId);

    public VmStatus StatusOf(string computeId) => Vm(computeId).Status;

    public void Forget(string computeId) => _vms.TryRemove(computeId, out _);

    public IEnumerable<VirtualMachine> All => _vms.Values;

    /// <summary>Agent shutdown: let go of every VM; they keep running.</summary>
    public async ValueTask DisposeAsync()
    {
        changes.Complete();
        foreach (var vm in _vms.Values)
        {
            try { await vm.DetachAsync(); }
            catch (TimeoutException) { /* the connection is being torn down anyway */ }
        }
        // Only the bus connection: the VM units belong to systemd and keep running.
        if (Launcher is IAsyncDisposable d) await d.DisposeAsync();
    }
}
