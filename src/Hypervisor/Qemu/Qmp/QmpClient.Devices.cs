namespace OcciAgent.Hypervisor.Qemu.Qmp;

/// <summary>Typed commands: devices on the guest's buses and the NICs' backends.</summary>
public sealed partial class QmpClient
{
    /// <summary><c>device_add</c>: plugs a device into the running machine.</summary>
    public Task DeviceAddAsync(DeviceOptions device, CancellationToken ct = default) =>
        ExecuteAsync("device_add", device, QmpJson.Default.DeviceOptions, ct);

    /// <summary><c>device_del</c>: asks the guest to release a device; QEMU sends <c>DEVICE_DELETED</c> once
    /// it is gone (after the reply, when the guest cooperates).</summary>
    public Task DeviceDelAsync(string id, CancellationToken ct = default) =>
        ExecuteAsync("device_del", new QmpId(id), QmpJson.Default.QmpId, ct);

    /// <summary><c>netdev_add</c>: opens a tap as a NIC backend.</summary>
    public Task NetdevAddAsync(NetdevTap netdev, CancellationToken ct = default) =>
        ExecuteAsync("netdev_add", netdev, QmpJson.Default.NetdevTap, ct);

    /// <summary><c>netdev_del</c>: closes a NIC backend (QEMU lets go of its tap).</summary>
    public Task NetdevDelAsync(string id, CancellationToken ct = default) =>
        ExecuteAsync("netdev_del", new QmpId(id), QmpJson.Default.QmpId, ct);

    /// <summary><c>query-pci</c>: every PCI bus and what sits in each slot.</summary>
    public async Task<PciBus[]> QueryPciAsync(CancellationToken ct = default) =>
        ReadReply("query-pci", await ExecuteAsync("query-pci", null, ct).ConfigureAwait(false), QmpJson.Default.PciBusArray);
}
