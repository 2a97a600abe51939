using System.Text.RegularExpressions;

namespace OcciAgent.Hypervisor.Qemu;

/// <summary>Turns a <see cref="VmSpec"/> into the argument array of <c>qemu-system-x86_64</c>.
/// Pure: same spec, same list (golden-tested). Free text (names, paths, MACs) goes only into
/// option values, escaped with <see cref="QemuOpt"/>; ids that become QEMU identifiers are checked
/// against QEMU's identifier syntax and refused otherwise, so no value can add an option. Disks and NICs
/// describe their own arguments (<see cref="VmDevice"/>) and sit in fixed PCI slots (<see cref="PciSlots"/>).</summary>
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
        a.AddRange(Devices(spec));
        a.AddRange(Boot(spec));
        if (spec.StartPaused) a.Add("-S");
        return a;
    }

    /// <summary>Disks then NICs, each in its PCI slot (<see cref="PciSlots"/>).</summary>
    private static IEnumerable<string> Devices(VmSpec spec)
    {
        var placed = spec.ImplicitSlots ? spec : PciSlots.Assign(spec);
        // bootindex 0 belongs to the direct-kernel-boot option ROM when there is one: disks count from 1.
        return placed.Disks.SelectMany((d, i) => d.Arguments(bootIndex: i + 1))
            .Concat(placed.Nics.SelectMany(n => n.Arguments(null)));
    }

    /// <summary>Direct kernel boot and the fw_cfg files.</summary>
    private static List<string> Boot(VmSpec spec)
    {
        var a = new List<string>();
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
        return a;
    }

    private static string SocketChardev(string id, string path) =>
        "socket," + QemuOpt.Join(("id", id), ("path", path), ("server", "on"), ("wait", "off"));

    private static string CheckText(string value, string what) =>
        value.IndexOfAny(['\0', '\n', '\r']) >= 0 ? throw new ArgumentException($"{what} cannot contain NUL or line breaks") : value;

    [GeneratedRegex("^opt/[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)+$")] private static partial Regex FwCfgName();
}
