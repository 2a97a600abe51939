using OcciAgent.Hypervisor.Qemu.Qmp;

namespace OcciAgent.Hypervisor.Qemu;

/// <summary>One PCI device of a VM (a disk or a NIC) with its backend, described once: the command-line
/// arguments at boot (<see cref="Arguments"/>) and the hot-plug QMP calls (<see cref="AddBackendAsync"/>,
/// <see cref="Device"/>, <see cref="DeleteBackendAsync"/>) are made from the same records, so a property
/// cannot differ between a booted and a hot-plugged device.</summary>
public abstract record VmDevice
{
    /// <summary>The PCI slot on the root bus, from the device's range in <see cref="PciSlots"/>; null until
    /// placed (<see cref="PciSlots.Assign"/>).</summary>
    public int? Slot { get; init; }

    /// <summary>The device's qdev id: what <c>device_del</c> and <c>DEVICE_DELETED</c> name.</summary>
    public abstract string QdevId { get; }

    /// <summary>"disk" or "NIC", for messages.</summary>
    public abstract string Noun { get; }

    /// <summary>The device in messages ("vdb", "NIC 52:54:00:12:34:56").</summary>
    public abstract string Label { get; }

    /// <summary>The slots this kind of device may take.</summary>
    public abstract PciSlotRange Range { get; }

    /// <summary>Refuses (<see cref="ArgumentException"/>) a value QEMU would misread.</summary>
    public abstract void Check();

    /// <summary>The <c>-device</c> options and <c>device_add</c> arguments.</summary>
    public abstract DeviceOptions Device(int? bootIndex = null);

    /// <summary>The backend and the device on the command line (checked first).</summary>
    public abstract IReadOnlyList<string> Arguments(int? bootIndex);

    /// <summary>What the backend step of a hot-plug does, for messages ("opening tap X (netdev_add)").</summary>
    public abstract string BackendStep { get; }

    /// <summary>Opens the backend in a running QEMU (the first step of a hot-plug).</summary>
    public abstract Task AddBackendAsync(QmpClient qmp, CancellationToken ct);

    /// <summary>Closes the backend (the last step of an unplug, or the undo of a failed plug).</summary>
    public abstract Task DeleteBackendAsync(QmpClient qmp, CancellationToken ct);

    /// <summary>The <c>addr</c> property of the placed device.</summary>
    protected string? Addr => Slot is { } slot ? PciSlots.Addr(slot) : null;
}
