using OcciAgent.Hypervisor.Vm;
using OcciAgent.Occi.Catalog;
using OcciAgent.Occi.Model;
using OcciAgent.Services;

namespace OcciAgent.Vms;

/// <summary>A storagelink is its volume attached to the compute's VM as a virtio disk (GFD.224
/// §3.4.2): at boot when the VM is off (see <see cref="ComputeSpecBuilder"/>),
/// hot-plugged into a running VM, unplugged on delete once the guest has let go (DEVICE_DELETED).
/// A hibernated VM's disks cannot change: its saved state expects exactly the disks it had.</summary>
public sealed class StorageLinkBackend(IComputeHost host, ComputeSpecBuilder specs) : IKindBackend
{
    private const string State = "occi.storagelink.state";

    public Kind Kind => InfrastructureKinds.StorageLink;

    private static string ComputeId(Entity link) => Entity.IdIn(link.Source!);

    private IVirtualMachine? LiveVm(Entity link, string what) => host.LiveVm(ComputeId(link), what, "disks");

    public async Task<Entity> CreateAsync(Entity link, IReadOnlyList<Mixin> mixins, CancellationToken ct)
    {
        if (LiveVm(link, "linking storage to it") is { } vm)
        {
            await vm.HotplugDiskAsync(specs.DiskFor(link), ct);
            return link.With(State, OcciValue.Str("active"));
        }
        return link.With(State, OcciValue.Str("inactive"));
    }

    public async Task UndoCreateAsync(Entity link)
    {
        if (host.StatusOf(ComputeId(link)).Phase is VmPhase.Running or VmPhase.Paused)
            await host.Vm(ComputeId(link)).UnplugDiskAsync(specs.DiskFor(link), CancellationToken.None);
    }

    public Task<Entity> UpdateAsync(Entity current, Entity updated, CancellationToken ct)
    {
        if (current.GetString("occi.storagelink.deviceid") != updated.GetString("occi.storagelink.deviceid")
            && host.StatusOf(ComputeId(current)) is { Phase: not VmPhase.Off } or { Hibernated: true })
            throw AgentException.Conflict($"storagelink {current.Id}: the device id of a disk of a running compute cannot change; stop the compute first");
        return Task.FromResult(updated);
    }

    public async Task DeleteAsync(Entity link, CancellationToken ct)
    {
        if (LiveVm(link, "removing its disks") is { } vm)
            await vm.UnplugDiskAsync(specs.DiskFor(link), ct);
    }

    public Task<Entity> ObserveAsync(Entity link, CancellationToken ct) =>
        Task.FromResult(link.With(State, OcciValue.Str(
            host.StatusOf(ComputeId(link)).Phase is VmPhase.Running or VmPhase.Paused ? "active" : "inactive")));

    public Task<IReadOnlyList<Entity>> ReconcileAsync(IReadOnlyList<Entity> stored, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<Entity>>([]);

    public Task<ActionOutcome> ActAsync(Entity link, OcciAction action, IReadOnlyDictionary<string, OcciValue> p, CancellationToken ct) =>
        throw new AgentException(AgentError.NotImplemented, $"storagelink action {action.Term} is not implemented");
}
