using System.Text.RegularExpressions;
using OcciAgent.Hypervisor.Qemu.Qmp;

namespace OcciAgent.Hypervisor.Qemu;

/// <summary>A qcow2 file attached as a virtio disk named <paramref name="DeviceId"/> (vda, vdb, ...).</summary>
public sealed partial record VmDisk(string DeviceId, string Path, bool ReadOnly = false) : VmDevice
{
    public const string Format = "qcow2";

    /// <summary>QEMU block node name: stable, derived from the device id.</summary>
    public string NodeName => "disk-" + DeviceId;
    public override string QdevId => "dev-" + DeviceId;
    public override string Noun => "disk";
    public override string Label => DeviceId;
    public override PciSlotRange Range => PciSlots.Disks;
    public override string BackendStep => $"attaching {Path} (blockdev-add)";

    public override void Check()
    {
        if (!DeviceIdSyntax().IsMatch(DeviceId)) throw new ArgumentException($"disk device id '{DeviceId}' must be vd followed by one to three letters");
    }

    /// <summary>The qcow2 node over the file: <c>-blockdev</c> and <c>blockdev-add</c>.</summary>
    public BlockdevOptions Blockdev() => new(Format, NodeName, ReadOnly, new BlockdevFile("file", Path));

    public override DeviceOptions Device(int? bootIndex = null) =>
        new() { Driver = "virtio-blk-pci", Drive = NodeName, Id = QdevId, Bootindex = bootIndex, Addr = Addr };

    public override IReadOnlyList<string> Arguments(int? bootIndex)
    {
        Check();
        return ["-blockdev", QemuOpt.Join(Blockdev(), QmpJson.Default.BlockdevOptions),
            "-device", QemuOpt.Join(Device(bootIndex), QmpJson.Default.DeviceOptions)];
    }

    public override Task AddBackendAsync(QmpClient qmp, CancellationToken ct) => qmp.BlockdevAddAsync(Blockdev(), ct);

    public override Task DeleteBackendAsync(QmpClient qmp, CancellationToken ct) => qmp.BlockdevDelAsync(NodeName, ct);

    [GeneratedRegex("^vd[a-z]{1,3}$")] private static partial Regex DeviceIdSyntax();
}
