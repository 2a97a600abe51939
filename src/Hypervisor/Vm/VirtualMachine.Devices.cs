using OcciAgent.Hypervisor.Qemu;
using OcciAgent.Hypervisor.Qemu.Qmp;

namespace OcciAgent.Hypervisor.Vm;

/// <summary>Hot-plug and unplug of disks and NICs: one procedure for both (<see cref="VmDevice"/> says what
/// differs), each step undone if a later one fails, the device's PCI slot kept in the VM's slot file.</summary>
public sealed partial class VirtualMachine
{
    /// <summary>Hot-plugs a qcow2 file as a virtio disk (QMP <c>blockdev-add</c> then
    /// <c>device_add virtio-blk-pci</c>); undoes the first step if the second fails.</summary>
    public Task HotplugDiskAsync(VmDisk disk, CancellationToken ct) => PlugAsync(disk, ct);

    /// <summary>Hot-unplugs a disk: <c>device_del</c>, then wait for the guest to let go
    /// (<c>DEVICE_DELETED</c>), then <c>blockdev-del</c>. A guest that keeps the device past
    /// the timeout leaves it attached (the caller answers with that).</summary>
    public Task UnplugDiskAsync(VmDisk disk, CancellationToken ct) => UnplugAsync(disk, ct);

    /// <summary>Hot-plugs a NIC on an existing tap: QMP <c>netdev_add</c> (tap
    /// opened by name, no scripts, vhost off as at boot) then <c>device_add virtio-net-pci</c>;
    /// undoes the first step if the second fails.</summary>
    public Task HotplugNicAsync(VmNic nic, CancellationToken ct) => PlugAsync(nic, ct);

    /// <summary>Hot-unplugs a NIC: <c>device_del</c>, wait for <c>DEVICE_DELETED</c>, then
    /// <c>netdev_del</c> so QEMU lets go of the tap before the agent deletes it.</summary>
    public Task UnplugNicAsync(VmNic nic, CancellationToken ct) => UnplugAsync(nic, ct);

    private Task PlugAsync(VmDevice device, CancellationToken ct) => Serialised(async () =>
    {
        var s = Live($"a {device.Noun} hot-plug");
        // Same checks as at boot: the values below are those QemuArgs would pass.
        device.Check();
        var placed = device with { Slot = await FreeSlotAsync(s, device, ct).ConfigureAwait(false) };
        try { await placed.AddBackendAsync(s.Qmp, ct).ConfigureAwait(false); }
        catch (QmpException e) { throw Failed(Id, placed.BackendStep, e); }
        try
        {
            await s.Qmp.DeviceAddAsync(placed.Device(), ct).ConfigureAwait(false);
        }
        catch (QmpException e)
        {
            await TryAsync(() => placed.DeleteBackendAsync(s.Qmp, CancellationToken.None)).ConfigureAwait(false);
            throw Failed(Id, $"plugging {placed.Label} (device_add)", e);
        }
        UpdateSlots(slots => slots[placed.QdevId] = placed.Slot!.Value);
    }, ct);

    private Task UnplugAsync(VmDevice device, CancellationToken ct) => Serialised(async () =>
    {
        var s = Live($"a {device.Noun} unplug");
        try
        {
            await TriggerAndWaitAsync(
                ev => ev.Name == "DEVICE_DELETED" && DataString(ev, "device") == device.QdevId,
                () => s.Qmp.DeviceDelAsync(device.QdevId, ct),
                _options.UnplugTimeout, $"the guest releasing {device.Label} (DEVICE_DELETED)", ct).ConfigureAwait(false);
        }
        catch (QmpException e) when (e.Class == "DeviceNotFound")
        {
            // Not plugged (e.g. it was never hot-plugged into this process): only the backend may remain.
        }
        catch (QmpException e) { throw Failed(Id, $"unplugging {device.Label} (device_del)", e); }
        await TryAsync(() => device.DeleteBackendAsync(s.Qmp, CancellationToken.None)).ConfigureAwait(false);
        UpdateSlots(slots => slots.Remove(device.QdevId));
    }, ct);

    /// <summary>The slot a hot-plugged device takes: the one it had (slot file) if QEMU has it free, else the
    /// lowest of its range that neither QEMU (<c>query-pci</c>: the truth for this process, whoever started
    /// it) nor the slot file gives to another device.</summary>
    private async Task<int> FreeSlotAsync(Session s, VmDevice device, CancellationToken ct)
    {
        PciBus[] buses;
        try { buses = await s.Qmp.QueryPciAsync(ct).ConfigureAwait(false); }
        catch (QmpException e) { throw Failed(Id, "query-pci", e); }
        var taken = buses.Where(b => b.Bus == 0).SelectMany(b => b.Devices).Select(d => d.Slot).ToHashSet();
        var stored = SlotFile.Read(Directory.PciSlots);
        if (stored.TryGetValue(device.QdevId, out var kept) && device.Range.Contains(kept) && !taken.Contains(kept)) return kept;
        foreach (var (id, slot) in stored)
            if (id != device.QdevId) taken.Add(slot);
        return device.Range.FirstFree(taken)
            ?? throw new VmException(VmErrorKind.Conflict, $"VM {Id}: no free PCI slot for {device.Label}: a VM has at most {device.Range.Slots.Count} {device.Noun}s ({device.Range})");
    }

    private void UpdateSlots(Action<Dictionary<string, int>> change)
    {
        var slots = SlotFile.Read(Directory.PciSlots);
        change(slots);
        SlotFile.Write(Directory.PciSlots, slots);
    }

    /// <summary>A best-effort clean-up step: its failure must not hide the error being reported.</summary>
    private static async Task TryAsync(Func<Task> step)
    {
        try { await step().ConfigureAwait(false); }
        catch (QmpException) { /* best effort clean-up */ }
    }
}
