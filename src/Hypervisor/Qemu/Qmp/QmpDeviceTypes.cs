using System.Text.Json.Serialization;

namespace OcciAgent.Hypervisor.Qemu.Qmp;

/// <summary>Arguments of <c>device_add</c> (and, flattened, the value of <c>-device</c>). Properties in the
/// order the command line lists them; null ones are left out.</summary>
public sealed record DeviceOptions
{
    public required string Driver { get; init; }
    /// <summary>The block node of a disk.</summary>
    public string? Drive { get; init; }
    /// <summary>The backend of a NIC.</summary>
    public string? Netdev { get; init; }
    public required string Id { get; init; }
    public string? Mac { get; init; }
    /// <summary>Boot order at start-up; a hot-plugged device has none.</summary>
    public int? Bootindex { get; init; }
    /// <summary>PCI slot on the root bus, "0x3" (<see cref="PciSlots"/>).</summary>
    public string? Addr { get; init; }
}

/// <summary>Arguments of <c>netdev_add</c> for a tap opened by name (and, flattened, the value of <c>-netdev</c>).</summary>
public sealed record NetdevTap(string Type, string Id, string Ifname, string Script, string Downscript, bool Vhost);

/// <summary>Arguments of <c>device_del</c>, <c>netdev_del</c> and <c>job-dismiss</c>.</summary>
internal sealed record QmpId(string Id);

/// <summary>One bus of the <c>query-pci</c> reply.</summary>
public sealed record PciBus(int Bus, PciDevice[] Devices);

/// <summary>One function on a PCI bus: where it sits, and the qdev id it was given (empty for the machine's own).</summary>
public sealed record PciDevice(int Bus, int Slot, int Function, [property: JsonPropertyName("qdev_id")] string QdevId = "");
