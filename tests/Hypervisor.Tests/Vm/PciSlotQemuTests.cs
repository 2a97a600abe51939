using OcciAgent.Hypervisor.Qemu;
using OcciAgent.Hypervisor.Qemu.Qmp;
using OcciAgent.Hypervisor.Tests.Qmp;
using OcciAgent.Hypervisor.Tests.Volumes;
using OcciAgent.Hypervisor.Vm;
using OcciAgent.Hypervisor.Volumes;

namespace OcciAgent.Hypervisor.Tests.Vm;

/// <summary>The slots as the real QEMU reports them (<c>query-pci</c> on the operator socket) while a VM
/// gains a disk and a NIC by hot-plug and is then booted again with its devices in another order. QEMU runs
/// in a network namespace of its own (<c>unshare --net</c>), where it creates the taps it is given and
/// where they vanish with it.</summary>
[Trait("Category", "Vm")]
[Collection(QemuCollection.Name)]
public sealed class PciSlotQemuTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private VmDirectory _vmDir = null!;
    private VirtualMachine _vm = null!;

    /// <summary>The daemon launcher, with QEMU started by <c>unshare --net</c>.</summary>
    private sealed class NetnsLauncher(string qemu) : IVmLauncher
    {
        private readonly DaemonLauncher _unshare = new("unshare");
        public string Name => "netns";
        public Task<int> LaunchAsync(VmSpec spec, IReadOnlyList<string> args, CancellationToken ct) =>
            _unshare.LaunchAsync(spec, ["--net", "--", qemu, .. args], ct);
        public Task KillAsync(string vmId, int pid, CancellationToken ct) => _unshare.KillAsync(vmId, pid, ct);
    }

    public Task InitializeAsync()
    {
        var qemu = HostProbe.FindExecutable("qemu-system-x86_64");
        Assert.True(qemu is not null, "qemu-system-x86_64 is required (scripts/deps installs qemu-system-x86)");
        _vmDir = new VmDirectory(_dir.File("vms"), "slots");
        _vm = new VirtualMachine(_vmDir, new NetnsLauncher(qemu!), new VmOptions());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (_vm.Status.Phase != VmPhase.Off) await _vm.PowerOffAsync(new QemuImg(), CancellationToken.None);
        }
        finally
        {
            if (_vmDir.ReadPid() is { } pid && Directory.Exists($"/proc/{pid}")) ProcessInfo.Kill(pid);
            _dir.Dispose();
        }
    }

    private VmDisk Disk(string id)
    {
        var path = _dir.File(id + ".qcow2");
        if (!File.Exists(path)) QemuImgProbe.Run("create", "-f", "qcow2", path, "16M");
        return new VmDisk(id, path);
    }

    private static VmNic Nic(string id, int n) => new(id, "occislot" + id, $"52:54:00:00:00:{n:x2}");

    private VmSpec Spec(IReadOnlyList<VmDisk> disks, IReadOnlyList<VmNic> nics) =>
        new("slots", "slots", 1, 80, Accelerator.Tcg, _vmDir.Paths, disks, nics);

    /// <summary>qdev id to slot, of what QEMU has on bus 0.</summary>
    private async Task<Dictionary<string, int>> QemuSlotsAsync()
    {
        await using var monitor = await QmpClient.ConnectAsync(_vmDir.MonitorSocket, TimeSpan.FromSeconds(10));
        return (await monitor.QueryPciAsync()).Where(b => b.Bus == 0).SelectMany(b => b.Devices)
            .Where(d => d.QdevId.Length > 0).ToDictionary(d => d.QdevId, d => d.Slot);
    }

    [Fact(Timeout = 120000)]
    public async Task Nics_KeepTheirSlotsWhenDisksAndNicsAreAddedLiveAndAcrossAReboot()
    {
        await _vm.StartAsync(_ => Spec([Disk("vda")], [Nic("n1", 1), Nic("n3", 3)]), CancellationToken.None);
        Assert.Equal(new Dictionary<string, int> { ["dev-vda"] = 0x02, ["nic-n1"] = 0x03, ["nic-n3"] = 0x04 }, await QemuSlotsAsync());

        // A disk added to the running VM takes a disk slot: the NICs stay where they are.
        await _vm.HotplugDiskAsync(Disk("vdb"), CancellationToken.None);
        Assert.Equal(new Dictionary<string, int> { ["dev-vda"] = 0x02, ["dev-vdb"] = 0x0b, ["nic-n1"] = 0x03, ["nic-n3"] = 0x04 },
            await QemuSlotsAsync());

        // A NIC added live takes the next free NIC slot.
        await _vm.HotplugNicAsync(Nic("n2", 2), CancellationToken.None);
        Assert.Equal(0x05, (await QemuSlotsAsync())["nic-n2"]);

        // Booted again with the devices in link order (n2 before n3), one more disk: every device keeps its
        // slot; the new disk takes the next free disk slot.
        await _vm.PowerCycleAsync(_ => Spec([Disk("vda"), Disk("vdb"), Disk("vdc")], [Nic("n1", 1), Nic("n2", 2), Nic("n3", 3)]),
            null, CancellationToken.None);
        Assert.Equal(new Dictionary<string, int>
        {
            ["dev-vda"] = 0x02, ["dev-vdb"] = 0x0b, ["dev-vdc"] = 0x0c, ["nic-n1"] = 0x03, ["nic-n2"] = 0x05, ["nic-n3"] = 0x04,
        }, await QemuSlotsAsync());
    }

    /// <summary>An agent before fixed slots let QEMU place devices in argument order (a second disk on 0x03,
    /// the NIC after it) and wrote no slot file. A VM it hibernated resumes in that placement, which its saved
    /// device state needs; its next cold boot moves to the fixed slots and records them.</summary>
    [Fact(Timeout = 120000)]
    public async Task A_VmHibernatedWithImplicitSlotsResumesInThemThenBootsIntoFixedSlots()
    {
        var legacy = new Dictionary<string, int> { ["dev-vda"] = 0x02, ["dev-vdb"] = 0x03, ["nic-n1"] = 0x04 };
        await _vm.StartAsync(_ => Spec([Disk("vda"), Disk("vdb")], [Nic("n1", 1)]) with { ImplicitSlots = true }, CancellationToken.None);
        Assert.Equal(legacy, await QemuSlotsAsync());
        Assert.False(File.Exists(_vmDir.PciSlots));
        await _vm.HibernateAsync("disk-vda", CancellationToken.None);
        Assert.True(_vm.Status.Hibernated);

        await _vm.StartAsync(hibernated => Spec([Disk("vda"), Disk("vdb")], [Nic("n1", 1)]) with { StartPaused = hibernated }, CancellationToken.None);
        Assert.Equal(VmPhase.Running, _vm.Status.Phase);
        Assert.Equal(legacy, await QemuSlotsAsync());

        await _vm.PowerCycleAsync(_ => Spec([Disk("vda"), Disk("vdb")], [Nic("n1", 1)]), null, CancellationToken.None);
        Assert.Equal(new Dictionary<string, int> { ["dev-vda"] = 0x02, ["dev-vdb"] = 0x0b, ["nic-n1"] = 0x03 }, await QemuSlotsAsync());
        Assert.Equal(new Dictionary<string, int> { ["dev-vda"] = 0x02, ["dev-vdb"] = 0x0b, ["nic-n1"] = 0x03 }, SlotFile.Read(_vmDir.PciSlots));
    }
}
