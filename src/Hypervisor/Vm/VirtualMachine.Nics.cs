using OcciAgent.Hypervisor.Qemu;
using OcciAgent.Hypervisor.Qemu.Qmp;

namespace OcciAgent.Hypervisor.Vm;

public sealed partial class VirtualMachine
{
    /// <summary>Hot-plugs a NIC on an existing tap: QMP <c>netdev_add</c> (tap
    /// opened by name, no scripts, vhost off as at boot) then <c>device_add virtio-net-pci</c>;
    /// undoes the first step if the second fails.</summary>
    public Task HotplugNicAsync(VmNic nic, CancellationToken ct) => Serialised(async () =>
    {
        var s = Live("a NIC hot-plug");
        // Same checks as at boot: the values below are those QemuArgs would pass.
        QemuArgs.NetdevOptions(nic);
        QemuArgs.NicDeviceOptions(nic);
        try
        {
            await s.Qmp.ExecuteAsync("netdev_add", w =>
            {
                w.WriteString("type", "tap");
                w.WriteString("id", nic.NetdevId);
                w.WriteString("ifname", nic.Tap);
                w.WriteString("script", "no");
                w.WriteString("downscript", "no");
                w.WriteBoolean("vhost", false);
            }, ct).ConfigureAwait(false);
        }
        catch (QmpException e) { throw Failed(Id, $"opening tap {nic.Tap} (netdev_add)", e); }
        try
        {
            await s.Qmp.ExecuteAsync("device_add", w =>
            {
                w.WriteString("driver", "virtio-net-pci");
                w.WriteString("netdev", nic.NetdevId);
                w.WriteString("id", nic.QdevId);
                w.WriteString("mac", nic.Mac);
            }, ct).ConfigureAwait(false);
        }
        catch (QmpException e)
        {
            await TryExec(s, "netdev_del", w => w.WriteString("id", nic.NetdevId)).ConfigureAwait(false);
            throw Failed(Id, $"plugging NIC {nic.Mac} (device_add)", e);
        }
    }, ct);

    /// <summary>Hot-unplugs a NIC: <c>device_del</c>, wait for <c>DEVICE_DELETED</c>, then
    /// <c>netdev_del</c> so QEMU lets go of the tap before the agent deletes it.</summary>
    public Task UnplugNicAsync(VmNic nic, CancellationToken ct) => Serialised(async () =>
    {
        var s = Live("a NIC unplug");
        try
        {
            await TriggerAndWaitAsync(
                ev => ev.Name == "DEVICE_DELETED" && DataString(ev, "device") == nic.QdevId,
                () => s.Qmp.ExecuteAsync("device_del", w => w.WriteString("id", nic.QdevId), ct),
                _options.UnplugTimeout, $"the guest releasing NIC {nic.Mac} (DEVICE_DELETED)", ct).ConfigureAwait(false);
        }
        catch (QmpException e) when (e.Class == "DeviceNotFound")
        {
            // Not plugged in this process: only the netdev may remain.
        }
        catch (QmpException e) { throw Failed(Id, $"unplugging NIC {nic.Mac} (device_del)", e); }
        await TryExec(s, "netdev_del", w => w.WriteString("id", nic.NetdevId)).ConfigureAwait(false);
    }, ct);
}
