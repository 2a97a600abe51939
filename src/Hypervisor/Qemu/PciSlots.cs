using System.Globalization;

namespace OcciAgent.Hypervisor.Qemu;

/// <summary>The slots one kind of device may take on the root PCI bus, in the order they are given out.</summary>
public sealed class PciSlotRange(string noun, params int[] slots)
{
    public IReadOnlyList<int> Slots { get; } = slots;
    public bool Contains(int slot) => Array.IndexOf(slots, slot) >= 0;
    /// <summary>The lowest slot of the range not in <paramref name="taken"/>; null when all are.</summary>
    public int? FirstFree(IReadOnlySet<int> taken) => slots.Where(s => !taken.Contains(s)).Select(s => (int?)s).FirstOrDefault();
    public override string ToString() => $"{noun} slots {string.Join(", ", slots.Select(PciSlots.Addr))}";
}

/// <summary>Where disks and NICs sit on bus pci.0 of machine <c>pc</c> (<see cref="QemuArgs.Machine"/>): slots
/// 0x00-0x1f, of which the chipset holds 0x00 (host bridge) and 0x01 (PIIX3: ISA, IDE, USB, ACPI); with
/// <c>-nodefaults</c> nothing else is implicit (pvpanic is an ISA device). A guest names NICs after their slot
/// (<c>ens3</c>) or their order on the bus (<c>eth0</c>), and disks after their order, so every device gets an
/// explicit slot from its own range, and keeps it: adding or removing a disk never moves a NIC.
///
/// <para>NICs take 0x03-0x0a: a VM with one boot disk and NICs has them where the agent put them before slots
/// were explicit (the first NIC on 0x03, <c>ens3</c>). Disks take 0x02 (the boot disk's old place), then
/// 0x0b-0x1f. A device keeps a slot it had (<see cref="Assign"/> takes them from the VM's slot file); a new one
/// takes the lowest free slot of its range, so two devices never share one.</para></summary>
public static class PciSlots
{
    public static readonly PciSlotRange Disks = new("disk", [0x02, .. Enumerable.Range(0x0b, 0x1f - 0x0b + 1)]);
    public static readonly PciSlotRange Nics = new("NIC", [.. Enumerable.Range(0x03, 0x0a - 0x03 + 1)]);

    /// <summary>The <c>addr</c> value of a slot (function 0): "0x3".</summary>
    public static string Addr(int slot) => "0x" + slot.ToString("x", CultureInfo.InvariantCulture);

    /// <summary>Places every device of <paramref name="spec"/>: a device with a <see cref="VmDevice.Slot"/> keeps
    /// it (it must lie in its range, and no other device may have it); then a device with a slot in
    /// <paramref name="stored"/> (by qdev id) keeps that one if it is still in range and free; then the others
    /// take the lowest free slots of their range, in list order. Deterministic: same spec and stored slots,
    /// same placement.</summary>
    /// <exception cref="ArgumentException">A given slot is out of range or given twice, or a range is full.</exception>
    public static VmSpec Assign(VmSpec spec, IReadOnlyDictionary<string, int>? stored = null)
    {
        stored ??= new Dictionary<string, int>();
        return spec with { Disks = Place(spec.Disks, stored), Nics = Place(spec.Nics, stored) };
    }

    private static List<T> Place<T>(IReadOnlyList<T> devices, IReadOnlyDictionary<string, int> stored) where T : VmDevice
    {
        var taken = new HashSet<int>();
        var slots = new int?[devices.Count];
        for (var i = 0; i < devices.Count; i++)
        {
            if (devices[i].Slot is not { } given) continue;
            if (!devices[i].Range.Contains(given) || !taken.Add(given))
                throw new ArgumentException($"{devices[i].Label}: PCI slot {Addr(given)} is not free in the {devices[i].Range}");
            slots[i] = given;
        }
        for (var i = 0; i < devices.Count; i++)
            if (slots[i] is null && stored.TryGetValue(devices[i].QdevId, out var kept) && devices[i].Range.Contains(kept) && taken.Add(kept))
                slots[i] = kept;
        for (var i = 0; i < devices.Count; i++)
        {
            if (slots[i] is not null) continue;
            slots[i] = devices[i].Range.FirstFree(taken)
                ?? throw new ArgumentException($"{devices[i].Label}: no free PCI slot, a VM has at most {devices[i].Range.Slots.Count} {devices[i].Noun}s ({devices[i].Range})");
            taken.Add(slots[i]!.Value);
        }
        return devices.Select((d, i) => (T)(d with { Slot = slots[i] })).ToList();
    }
}
