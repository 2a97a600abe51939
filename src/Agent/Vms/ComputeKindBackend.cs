using OcciAgent.Hypervisor.Qemu;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OcciAgent.Hypervisor.Vm;
using OcciAgent.Hypervisor.Volumes;
using OcciAgent.Occi.Catalog;
using OcciAgent.Occi.Model;
using OcciAgent.Services;

namespace OcciAgent.Vms;

/// <summary>Compute entities are QEMU VMs (GFD.224 §3.1). Creating one makes its root
/// overlay on the os_tpl image; the actions drive the VM over QMP; its state follows QMP events
/// and is stored within moments of each event, without anyone polling. Cores and memory apply
/// at boot: changing them while the VM exists as a process is refused (409), consistently.</summary>
public sealed class ComputeKindBackend : IKindBackend
{
    private const string State = "occi.compute.state", Message = "occi.compute.state.message";
    private readonly IComputeHost _host;
    private readonly ComputeSpecBuilder _specs;
    private readonly IVolumeDriver _volumes;
    private readonly QemuImg _qemuImg;
    private readonly ImageCapture _capture;
    private readonly Networks.INetworkHost _networks;
    private readonly ILogger<ComputeKindBackend> _log;
    /// <summary>Deferred saves copying a root disk right now; a start waits for its VM's copy.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Task> _captures = new(StringComparer.Ordinal);

    public ComputeKindBackend(IComputeHost host, ComputeSpecBuilder specs, IVolumeDriver volumes, QemuImg qemuImg,
        ImageCapture capture, Networks.INetworkHost networks, ILogger<ComputeKindBackend> log)
    {
        _networks = networks;
        _host = host;
        _specs = specs;
        _volumes = volumes;
        _qemuImg = qemuImg;
        _capture = capture;
        _log = log;
    }

    public Kind Kind => InfrastructureKinds.Compute;

    private static string LocationOf(Entity e) => EntityService.LocationOf(InfrastructureKinds.Compute, e.Id);

    public async Task<Entity> CreateAsync(Entity e, IReadOnlyList<Mixin> mixins, CancellationToken ct)
    {
        ComputeSpecBuilder.CheckResources(e);
        var image = mixins.Select(m => m.Backing).OfType<ImageInfo>().FirstOrDefault();
        if (image is not null)
        {
            // The root disk is this compute's own overlay on the image: the image stays untouched.
            var dir = _host.Vm(e.Id).Directory;
            dir.Create();
            var size = (await _volumes.InfoAsync(image.Path, ct))?.VirtualSizeBytes
                ?? throw AgentException.Conflict($"os_tpl image {image.Path} disappeared");
            await _volumes.CreateAsync(new VolumeSpec(dir.RootDisk, size, image.Path), ct);
        }
        return WithStatus(e, VmStatus.Off);
    }

    public Task UndoCreateAsync(Entity e) => RemoveAsync(e);

    public Task<Entity> UpdateAsync(Entity current, Entity updated, CancellationToken ct)
    {
        ComputeSpecBuilder.CheckResources(updated);
        var status = _host.StatusOf(current.Id);
        var resized = ComputeSpecBuilder.CoreCount(current) != ComputeSpecBuilder.CoreCount(updated)
                      || ComputeSpecBuilder.MemoryMiB(current) != ComputeSpecBuilder.MemoryMiB(updated);
        if (resized && (status.Phase is VmPhase.Running or VmPhase.Paused || status.Hibernated))
            throw AgentException.Conflict(
                $"compute {current.Id} is {OcciState(status)}: cores and memory apply at boot, so they can change only while it is inactive (stop it first)");
        return Task.FromResult(updated);
    }

    /// <summary>Deleting a compute ends its VM first, so its links are removed from a stopped VM.</summary>
    public async Task PrepareDeleteAsync(Entity e, CancellationToken ct)
    {
        var vm = _host.Vm(e.Id);
        if (vm.Status.Phase != VmPhase.Off || vm.Status.Hibernated) await vm.PowerOffAsync(_qemuImg, ct);
    }

    public Task DeleteAsync(Entity e, CancellationToken ct) => RemoveAsync(e);

    private async Task RemoveAsync(Entity e)
    {
        var vm = _host.Vm(e.Id);
        if (vm.Status.Phase != VmPhase.Off) await vm.PowerOffAsync(_qemuImg, CancellationToken.None);
        vm.Directory.Delete();
        _host.Forget(e.Id);
    }

    public Task<Entity> ObserveAsync(Entity e, CancellationToken ct) => Task.FromResult(WithStatus(e, _host.StatusOf(e.Id)));

    /// <summary>At start: reattach to every VM that still runs; a VM that died meanwhile becomes
    /// inactive (it powered off cleanly) or error with the reason.</summary>
    public async Task<IReadOnlyList<Entity>> ReconcileAsync(IReadOnlyList<Entity> stored, CancellationToken ct)
    {
        var changed = new List<Entity>();
        foreach (var e in stored)
        {
            var wasRunning = e.GetString(State) is "active" or "suspended";
            var status = await _host.Vm(e.Id).ReattachAsync(wasRunning, ct);
            Log.VmReattached(_log, e.Id, OcciState(status), status.Message ?? "");
            var now = WithStatus(e, status);
            if (now.GetString(State) != e.GetString(State) || now.GetString(Message) != e.GetString(Message)) changed.Add(now);
        }
        await RemoveOrphanVmsAsync(stored.Select(e => e.Id).ToHashSet(StringComparer.Ordinal), ct);
        _capture.RemovePartials();
        return changed;
    }

    /// <summary>A kill after the root overlay was made but before the compute was stored leaves a
    /// <c>vms/&lt;id&gt;/</c> that no entity names. Its QEMU, if one somehow runs, is ended first
    /// (the directory holds its sockets), then the directory goes.</summary>
    private async Task RemoveOrphanVmsAsync(IReadOnlySet<string> keep, CancellationToken ct)
    {
        if (!Directory.Exists(_host.VmsDir)) return;
        foreach (var dir in Directory.EnumerateDirectories(_host.VmsDir))
        {
            var id = Path.GetFileName(dir);
            if (!EntityService.IsValidId(id) || keep.Contains(id)) continue;
            try
            {
                var vm = _host.Vm(id);
                var status = await vm.ReattachAsync(wasRunning: false, ct);
                if (status.Phase != VmPhase.Off || status.Hibernated) await vm.PowerOffAsync(_qemuImg, ct);
                OrphanSweep.Remove(dir, "orphan VM directory", _log, vm.Directory.Delete);
            }
            catch (Exception ex) when (ex is VmException or IOException or TimeoutException)
            {
                Log.OrphanFailed(_log, "orphan VM directory", dir, ex.Message);
            }
            finally
            {
                _host.Forget(id);
            }
        }
    }

    public async Task<ActionOutcome> ActAsync(Entity e, OcciAction action, IReadOnlyDictionary<string, OcciValue> p, CancellationToken ct)
    {
        _host.RequireQemu();
        var vm = _host.Vm(e.Id);
        var method = p.TryGetValue("method", out var m) ? m.ToInvariantString() : "";
        var location = LocationOf(e);
        VmSpec Spec(bool paused) => _specs.Build(e, location, paused);
        string? note = null;
        Mixin? created = null;
        var watch = Stopwatch.StartNew();
        // A deferred save reads the root disk after a stop; QEMU must not reopen it meanwhile.
        if (_captures.TryGetValue(e.Id, out var capture)) await capture.WaitAsync(ct);
        // QEMU opens the taps by name at boot: they must exist, on their bridges, before it starts.
        if (action.Term is "start" || action.Term == "restart" && method != "warm")
            foreach (var link in _specs.NetworkLinks(location)) await _networks.EnsureTapAsync(link, ct);
        switch (action.Term)
        {
            case "start":
                await vm.StartAsync(Spec, ct);
                break;
            case "stop" when vm.Status.Phase == VmPhase.Off:
                await vm.PowerOffAsync(_qemuImg, ct); // a hibernated VM forgets its saved RAM
                break;
            case "stop" when method == "graceful":
                if (!await vm.ShutdownAsync(_host.StopTimeout, ct))
                    note = $"the guest did not power off within {_host.StopTimeout.TotalSeconds:0.#} s of the ACPI request; it was powered off";
                break;
            case "stop" when method == "acpioff":
                await vm.RequestPowerDownAsync(ct);
                note = "ACPI power-down requested; the state follows when the guest powers off";
                break;
            case "stop":
                await vm.PowerOffAsync(_qemuImg, ct);
                break;
            case "restart" when method == "warm":
                await vm.ResetAsync(ct);
                break;
            case "restart":
                if (!await vm.PowerCycleAsync(Spec, method == "graceful" ? _host.StopTimeout : null, ct))
                    note = $"the guest did not power off within {_host.StopTimeout.TotalSeconds:0.#} s; it was powered off and booted again";
                break;
            case "suspend" when method == "hibernate":
                var node = (_specs.RootDisk(e) ?? _specs.DataDisks(e, location).Select(x => x.Disk).FirstOrDefault())?.NodeName
                    ?? throw AgentException.Conflict($"compute {e.Id} has no disk to save its memory to; use suspend with method=suspend");
                await vm.HibernateAsync(node, ct);
                break;
            case "suspend":
                await vm.PauseAsync(ct);
                break;
            case "save":
                (note, created) = await SaveAsync(vm, e, method, p.TryGetValue("name", out var n) ? n.ToInvariantString() : null, ct);
                break;
            default:
                throw new AgentException(AgentError.NotImplemented, $"compute action {action.Term} is not implemented");
        }
        Log.VmAction(_log, e.Id, action.Term, method, watch.ElapsedMilliseconds);
        var result = WithStatus(e, vm.Status);
        if (note is not null && result.GetString(State) != "error") result = result.With(Message, OcciValue.Str(note));
        return new ActionOutcome(result, created);
    }

    /// <summary>The new os_tpl mixin is returned when it exists at once (hot, or a VM that is
    /// not running); a deferred save of a running VM only announces it.</summary>
    private async Task<(string Note, Mixin? Created)> SaveAsync(IVirtualMachine vm, Entity e, string method, string? name, CancellationToken ct)
    {
        var term = _capture.PlanTerm(e, name);
        var running = vm.Status.Phase is VmPhase.Running or VmPhase.Paused;
        Mixin? created;
        if (running && method == "hot")
            created = await _capture.CaptureLiveAsync(vm, e, term, ct);
        else if (running)
        {
            // deferred (GFD.224 §3.1): captured when the VM next stops, from a quiet disk.
            await File.WriteAllTextAsync(vm.Directory.DeferredSave, term, ct);
            return ($"the root disk will be saved as os_tpl '{term}' when the compute next stops", null);
        }
        else
            created = await _capture.CaptureOfflineAsync(e, term, ct);
        return ($"root disk saved as os_tpl '{term}'", created);
    }

    public static string OcciState(VmStatus s) => s.Phase switch
    {
        VmPhase.Running => "active",
        VmPhase.Paused => "suspended",
        VmPhase.Error => "error",
        _ => s.Hibernated ? "suspended" : "inactive",
    };

    /// <summary>The entity with the VM's state; an error carries its reason, and leaving error
    /// clears it.</summary>
    public static Entity WithStatus(Entity e, VmStatus s)
    {
        var state = OcciState(s);
        var r = e.With(State, OcciValue.Str(state));
        if (s.Phase == VmPhase.Error) return r.With(Message, OcciValue.Str(s.Message ?? "error"));
        return e.GetString(State) == "error" ? r.With(Message, null) : r;
    }

    /// <summary>Records a VM's current status on its compute through <paramref name="persist"/>
    /// (called by <see cref="VmStatusRecorder"/>, one change at a time, in order), and runs a
    /// deferred save once its VM has stopped.</summary>
    internal async Task RecordStatusAsync(string id, Func<string, Func<Entity, Entity>, Task<Entity?>> persist)
    {
        var status = _host.StatusOf(id);
        var e = await persist(id, x => WithStatus(x, status));
        var marker = _host.Vm(id).Directory.DeferredSave;
        if (e is not null && status.Phase == VmPhase.Off && !status.Hibernated && File.Exists(marker))
        {
            var term = (await File.ReadAllTextAsync(marker)).Trim();
            File.Delete(marker);
            _captures[id] = Task.Run(async () =>
            {
                try { await _capture.CaptureOfflineAsync(e, term, CancellationToken.None); }
                catch (Exception ex) { Log.VmBackgroundFailed(_log, id, $"deferred save as '{term}'", ex.Message); }
                finally { _captures.TryRemove(id, out _); }
            });
        }
    }
}
