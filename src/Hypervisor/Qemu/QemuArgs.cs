using System.Text.RegularExpressions;

namespace OcciAgent.Hypervisor.Qemu;

/// <summary>Turns a <see cref="VmSpec"/> into the argument array of <c>qemu-system-x86_64</c>.
/// Pure: same spec, same list (golden-tested). Free text (names, paths, MACs) goes only into
/// option values, escaped with <see cref="QemuOpt"/>; ids that become QEMU identifiers are checked
/// against QEMU's identifier syntax and refused otherwise, so no value can add an option.</summary>
public static partial class QemuArgs
{
    /// <summary>Machine <c>pc</c>: its root PCI bus takes hot-plugged virtio devices directly
    /// (q35 needs pre-made root ports, microvm cannot hot-plug; docs/host-notes.md).</summary>
    public const string Machine = "pc";

    public static IReadOnlyList<string> Build(VmSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Cores is < 1 or > 255) throw new ArgumentException($"cores must be 1..255, not {spec.Cores}", nameof(spec));
        if (spec.MemoryMiB < 16) throw new ArgumentException($"memory must be at least 16 MiB, not {spec.MemoryMiB}", nameof(spec));
        var a = new List<string>
        {
            "-name", QemuOpt.Join(("guest", spec.Name), ("debug-threads", "on")),
            "-machine", QemuOpt.Join(("type", Machine)),
            "-accel", spec.Accelerator == Accelerator.Kvm ? "kvm" : "tcg",
        };
        // -cpu host needs real KVM; under TCG QEMU's default model is the portable choice.
        if (spec.Accelerator == Accelerator.Kvm) a.AddRange(["-cpu", "host"]);
        if (Guid.TryParseExact(spec.Id, "D", out var uuid)) a.AddRange(["-uuid", uuid.ToString("D")]);
        a.AddRange([
            "-smp", spec.Cores.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-m", spec.MemoryMiB.ToString(System.Globalization.CultureInfo.InvariantCulture) + "M",
            // Nothing implicit: no default NIC, floppy, CD-ROM, VGA, monitor or user config.
            "-nodefaults", "-no-user-config",
            "-display", "none",
            // A guest power-off leaves QEMU in state "shutdown" instead of exiting, so an agent
            // that was away can still tell a clean power-off from a crash.
            "-no-shutdown",
            // QMP and the serial console are unix sockets the agent (re)connects to at will;
            // wait=off: QEMU runs whether or not anyone listens.
            "-chardev", SocketChardev("qmp", spec.Paths.QmpSocket),
            "-mon", "chardev=qmp,mode=control",
            "-chardev", SocketChardev("serial0", spec.Paths.SerialSocket),
            "-serial", "chardev:serial0",
        ]);
        if (spec.Paths.MonitorSocket is { } monitor)
            a.AddRange(["-chardev", SocketChardev("monitor", monitor), "-mon", "chardev=monitor,mode=control"]);
        a.AddRange([
            "-pidfile", spec.Paths.PidFile,
            // Guest panics reach QMP as GUEST_PANICKED (ISA device on machine pc).
            "-device", "pvpanic",
        ]);
        // bootindex 0 belongs to the direct-kernel-boot option ROM when there is one.
        var bootIndex = 1;
        foreach (var d in spec.Disks)
        {
            CheckDeviceId(d.DeviceId);
            a.AddRange(["-blockdev", BlockdevOptions(d)]);
            a.AddRange(["-device", QemuOpt.Join(("driver", "virtio-blk-pci"), ("drive", d.NodeName), ("id", d.QdevId),
                ("bootindex", (bootIndex++).ToString(System.Globalization.CultureInfo.InvariantCulture)))]);
        }
        foreach (var n in spec.Nics)
        {
            a.AddRange(["-netdev", NetdevOptions(n)]);
            a.AddRange(["-device", NicDeviceOptions(n)]);
        }
        if (spec.Boot is { } boot)
        {
            // -kernel/-initrd/-append take the whole argument as one value (no option parsing).
            a.AddRange(["-kernel", CheckText(boot.Kernel, "kernel path")]);
            if (boot.Initrd is { } initrd) a.AddRange(["-initrd", CheckText(initrd, "initrd path")]);
            if (boot.Cmdline is { } cmdline) a.AddRange(["-append", CheckText(cmdline, "kernel command line")]);
        }
        foreach (var f in spec.FwCfg ?? [])
        {
            if (!FwCfgName().IsMatch(f.Name)) throw new ArgumentException($"fw_cfg name '{f.Name}' must look like opt/org.example/name", nameof(spec));
            a.AddRange(["-fw_cfg", QemuOpt.Join(("name", f.Name), ("file", f.Path))]);
        }
        if (spec.StartPaused) a.Add("-S");
        return a;
    }

    private static string SocketChardev(string id, string path) =>
        "socket," + QemuOpt.Join(("id", id), ("path", path), ("server", "on"), ("wait", "off"));

    /// <summary><c>-blockdev</c> for a qcow2 file; the same properties go into QMP
    /// <c>blockdev-add</c> for hot-plug .</summary>
    public static string BlockdevOptions(VmDisk d) =>
        QemuOpt.Join(("driver", "qcow2"), ("node-name", d.NodeName), ("read-only", d.ReadOnly ? "on" : "off"),
            ("file.driver", "file"), ("file.filename", d.Path));

    public static string NetdevOptions(VmNic n)
    {
        CheckId(n.Id, "NIC id");
        if (!TapName().IsMatch(n.Tap)) throw new ArgumentException($"tap name '{n.Tap}' must be 1-15 characters of [A-Za-z0-9_.-]");
        // vhost=off: no /dev/vhost-net on every host (docs/host-notes.md); script=no: the agent plugs the tap itself.
        return QemuOpt.Join(("type", "tap"), ("id", n.NetdevId), ("ifname", n.Tap), ("script", "no"), ("downscript", "no"), ("vhost", "off"));
    }

    public static string NicDeviceOptions(VmNic n)
    {
        CheckId(n.Id, "NIC id");
        if (!Mac().IsMatch(n.Mac)) throw new ArgumentException($"MAC '{n.Mac}' is not of the form 52:54:00:12:34:56");
        return QemuOpt.Join(("driver", "virtio-net-pci"), ("netdev", n.NetdevId), ("id", n.QdevId), ("mac", n.Mac));
    }

    public static void CheckDeviceId(string deviceId)
    {
        if (!DeviceId().IsMatch(deviceId)) throw new ArgumentException($"disk device id '{deviceId}' must be vd followed by one to three letters");
    }

    private static void CheckId(string id, string what)
    {
        if (!QemuId().IsMatch(id)) throw new ArgumentException($"{what} '{id}' must be a letter followed by up to 24 letters, digits, '-', '_' or '.'");
    }

    private static string CheckText(string value, string what) =>
        value.IndexOfAny(['\0', '\n', '\r']) >= 0 ? throw new ArgumentException($"{what} cannot contain NUL or line breaks") : value;

    // QEMU identifiers: a letter, then letters, digits, '-', '.', '_' (qemu id_wellformed).
    [GeneratedRegex("^[A-Za-z][A-Za-z0-9._-]{0,24}$")] private static partial Regex QemuId();
    [GeneratedRegex("^vd[a-z]{1,3}$")] private static partial Regex DeviceId();
    [GeneratedRegex("^[A-Za-z0-9_.-]{1,15}$")] private static partial Regex TapName();
    [GeneratedRegex("^[0-9a-f]{2}(:[0-9a-f]{2}){5}$")] private static partial Regex Mac();
    [GeneratedRegex("^opt/[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)+$")] private static partial Regex FwCfgName();
}
