using OcciAgent.Hypervisor.Qemu;
using OcciAgent.Hypervisor.Vm;

namespace OcciAgent.Hypervisor.Tests.Qemu;

/// <summary>Every disk and NIC sits in an explicit PCI slot of its own range, so that adding or removing a
/// disk never moves a NIC (the guest would rename it: ens3 becomes ens4).</summary>
[Trait("Category", "Integration")]
public class PciSlotsTests
{
    private static readonly VmPaths Paths = new("/v/qmp.sock", "/v/serial.sock", "/v/qemu.pid");

    private static VmSpec Spec(IReadOnlyList<VmDisk> disks, IReadOnlyList<VmNic> nics) =>
        new("slots", "slots", 1, 128, Accelerator.Tcg, Paths, disks, nics);

    private static VmDisk Disk(string id) => new(id, $"/v/{id}.qcow2");
    private static VmNic Nic(string id, int n) => new(id, "tap" + id, $"52:54:00:00:00:{n:x2}");

    private static string DeviceLine(IReadOnlyList<string> args, string qdevId) =>
        Assert.Single(args, a => a.Contains($",id={qdevId},", StringComparison.Ordinal) || a.EndsWith($",id={qdevId}", StringComparison.Ordinal));

    private static Dictionary<string, int> SlotsOf(VmSpec spec) => SlotFile.Of(PciSlots.Assign(spec));

    /// <summary>The slots of a VM with three disks and two NICs, as QEMU gets them.</summary>
    [Fact]
    public void Disks_AndNicsGetSlotsFromTheirOwnRanges() =>
        QemuArgsTests.AssertGolden("slots", QemuArgs.Build(Spec([Disk("vda"), Disk("vdb"), Disk("vdc")], [Nic("n1", 1), Nic("n2", 2)])));

    [Fact]
    public void Adding_ADiskLeavesTheNicDeviceAsItWas()
    {
        var before = QemuArgs.Build(Spec([Disk("vda")], [Nic("n1", 1)]));
        var after = QemuArgs.Build(Spec([Disk("vda"), Disk("vdb")], [Nic("n1", 1)]));
        Assert.Equal(DeviceLine(before, "nic-n1"), DeviceLine(after, "nic-n1"));
        Assert.EndsWith(",addr=0x3", DeviceLine(after, "nic-n1"));
        Assert.EndsWith(",addr=0xb", DeviceLine(after, "dev-vdb"));
    }

    [Fact]
    public void Removing_ADiskLeavesTheNicsWhereTheyWereAndAKeptDiskKeepsItsSlot()
    {
        var first = SlotsOf(Spec([Disk("vda"), Disk("vdb"), Disk("vdc")], [Nic("n1", 1), Nic("n2", 2)]));
        var second = SlotFile.Of(PciSlots.Assign(Spec([Disk("vda"), Disk("vdc")], [Nic("n1", 1), Nic("n2", 2)]), first));
        Assert.Equal(new Dictionary<string, int> { ["dev-vda"] = 0x02, ["dev-vdc"] = 0x0c, ["nic-n1"] = 0x03, ["nic-n2"] = 0x04 }, second);
    }

    [Fact]
    public void Stored_SlotsAreKeptAndNewDevicesTakeTheLowestFreeSlot()
    {
        // n2 was hot-plugged into slot 0x04 while n1 (0x03) was unplugged; then n0 appeared while the VM was off.
        var stored = new Dictionary<string, int> { ["nic-n2"] = 0x04, ["dev-vdb"] = 0x0e };
        var placed = SlotFile.Of(PciSlots.Assign(Spec([Disk("vda"), Disk("vdb")], [Nic("n0", 0), Nic("n2", 2)]), stored));
        Assert.Equal(new Dictionary<string, int> { ["dev-vda"] = 0x02, ["dev-vdb"] = 0x0e, ["nic-n0"] = 0x03, ["nic-n2"] = 0x04 }, placed);
    }

    [Fact]
    public void Stored_SlotsThatCollideOrLeftTheRangeAreGivenAfreshWithoutCollision()
    {
        // A damaged or hand-edited file: two devices on one slot, a NIC in the disk range.
        var stored = new Dictionary<string, int> { ["nic-n1"] = 0x05, ["nic-n2"] = 0x05, ["nic-n3"] = 0x0b };
        var placed = SlotFile.Of(PciSlots.Assign(Spec([], [Nic("n1", 1), Nic("n2", 2), Nic("n3", 3)]), stored));
        Assert.Equal(new Dictionary<string, int> { ["nic-n1"] = 0x05, ["nic-n2"] = 0x03, ["nic-n3"] = 0x04 }, placed);
    }

    [Fact]
    public void Ranges_DoNotOverlapAndAvoidTheChipset()
    {
        Assert.Empty(PciSlots.Disks.Slots.Intersect(PciSlots.Nics.Slots));
        Assert.DoesNotContain(PciSlots.Disks.Slots.Concat(PciSlots.Nics.Slots), s => s is < 0x02 or > 0x1f);
        Assert.Equal(30, PciSlots.Disks.Slots.Count + PciSlots.Nics.Slots.Count);
    }

    [Fact]
    public void A_NinthNicIsRefusedWithAMessageNamingTheLimit()
    {
        var nics = Enumerable.Range(1, 9).Select(i => Nic("n" + i, i)).ToList();
        var e = Assert.Throws<ArgumentException>(() => QemuArgs.Build(Spec([Disk("vda")], nics)));
        Assert.Contains("at most 8 NICs", e.Message);
    }

    [Fact]
    public void A_GivenSlotOutsideTheRangeIsRefused() =>
        Assert.Throws<ArgumentException>(() => QemuArgs.Build(Spec([Disk("vda") with { Slot = 0x03 }], [])));

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void The_SlotFileRoundTripsAndIsPrivate()
    {
        using var dir = new Volumes.TempDirectory();
        var path = dir.File("pci-slots");
        var slots = new Dictionary<string, int> { ["dev-vda"] = 0x02, ["nic-nab"] = 0x03, ["dev-vdz"] = 0x1f };
        SlotFile.Write(path, slots);
        Assert.Equal(slots, SlotFile.Read(path));
        Assert.Equal("dev-vda 0x2\nnic-nab 0x3\ndev-vdz 0x1f\n", File.ReadAllText(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        File.AppendAllText(path, "garbage\nnic-x 12\n");
        Assert.Equal(slots, SlotFile.Read(path));
        Assert.Empty(SlotFile.Read(dir.File("missing")));
    }
}
