using System.Globalization;
using OcciAgent.Hypervisor.Qemu;

namespace OcciAgent.Hypervisor.Vm;

/// <summary>The file that remembers each device's PCI slot (<see cref="PciSlots"/>), one line per device:
/// <c>QDEV-ID 0xSLOT</c>. Written whole (temp file, then rename) and private to the agent; a missing file or a
/// line that does not parse only means the device is placed afresh.</summary>
public static class SlotFile
{
    public static Dictionary<string, int> Read(string path)
    {
        var slots = new Dictionary<string, int>(StringComparer.Ordinal);
        if (!File.Exists(path)) return slots;
        foreach (var line in File.ReadAllLines(path))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[1].StartsWith("0x", StringComparison.Ordinal)
                && int.TryParse(parts[1].AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var slot))
                slots[parts[0]] = slot;
        }
        return slots;
    }

    public static void Write(string path, IReadOnlyDictionary<string, int> slots)
    {
        var temp = path + ".new";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var w = new StreamWriter(temp, options))
            foreach (var (id, slot) in slots.OrderBy(s => s.Value))
                w.Write($"{id} {PciSlots.Addr(slot)}\n");
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The slots of the placed devices of <paramref name="spec"/>.</summary>
    public static Dictionary<string, int> Of(VmSpec spec) =>
        spec.Disks.Cast<VmDevice>().Concat(spec.Nics).Where(d => d.Slot is not null)
            .ToDictionary(d => d.QdevId, d => d.Slot!.Value, StringComparer.Ordinal);
}
