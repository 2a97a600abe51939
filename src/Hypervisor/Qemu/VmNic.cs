using System.Text.RegularExpressions;
using OcciAgent.Hypervisor.Qemu.Qmp;

namespace OcciAgent.Hypervisor.Qemu;

/// <summary>A tap device plugged in as a virtio NIC. <paramref name="Id"/> is a short token.</summary>
public sealed partial record VmNic(string Id, string Tap, string Mac) : VmDevice
{
    public string NetdevId => "net-" + Id;
    public override string QdevId => "nic-" + Id;
    public override string Noun => "NIC";
    public override string Label => "NIC " + Mac;
    public override PciSlotRange Range => PciSlots.Nics;
    public override string BackendStep => $"opening tap {Tap} (netdev_add)";

    public override void Check()
    {
        if (!QemuId().IsMatch(Id)) throw new ArgumentException($"NIC id '{Id}' must be a letter followed by up to 24 letters, digits, '-', '_' or '.'");
        if (!TapName().IsMatch(Tap)) throw new ArgumentException($"tap name '{Tap}' must be 1-15 characters of [A-Za-z0-9_.-]");
        if (!MacSyntax().IsMatch(Mac)) throw new ArgumentException($"MAC '{Mac}' is not of the form 52:54:00:12:34:56");
    }

    /// <summary>The tap backend, opened by name: <c>-netdev</c> and <c>netdev_add</c>. vhost=off: no
    /// /dev/vhost-net on every host; script=no: the agent plugs the tap itself.</summary>
    public NetdevTap Netdev() => new("tap", NetdevId, Tap, "no", "no", Vhost: false);

    public override DeviceOptions Device(int? bootIndex = null) =>
        new() { Driver = "virtio-net-pci", Netdev = NetdevId, Id = QdevId, Mac = Mac, Addr = Addr };

    public override IReadOnlyList<string> Arguments(int? bootIndex)
    {
        Check();
        return ["-netdev", QemuOpt.Join(Netdev(), QmpJson.Default.NetdevTap),
            "-device", QemuOpt.Join(Device(), QmpJson.Default.DeviceOptions)];
    }

    public override Task AddBackendAsync(QmpClient qmp, CancellationToken ct) => qmp.NetdevAddAsync(Netdev(), ct);

    public override Task DeleteBackendAsync(QmpClient qmp, CancellationToken ct) => qmp.NetdevDelAsync(NetdevId, ct);

    // QEMU identifiers: a letter, then letters, digits, '-', '.', '_' (qemu id_wellformed).
    [GeneratedRegex("^[A-Za-z][A-Za-z0-9._-]{0,24}$")] private static partial Regex QemuId();
    [GeneratedRegex("^[A-Za-z0-9_.-]{1,15}$")] private static partial Regex TapName();
    [GeneratedRegex("^[0-9a-f]{2}(:[0-9a-f]{2}){5}$")] private static partial Regex MacSyntax();
}
