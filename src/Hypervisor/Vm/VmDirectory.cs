using System.Text;
using OcciAgent.Hypervisor.Qemu;

namespace OcciAgent.Hypervisor.Vm;

/// <summary>The per-VM directory <c>vms/&lt;id&gt;/</c>: control sockets, pid file, console log,
/// the root overlay, the hibernation marker and the devices' PCI slots. Everything a VM owns on disk is here, so deleting
/// the VM is deleting this directory (linked volumes live elsewhere).</summary>
public sealed class VmDirectory
{
    // sockaddr_un.sun_path is 108 bytes including the terminating NUL (unix(7)).
    private const int MaxSocketPath = 107;

    public VmDirectory(string vmsDir, string id)
    {
        if (id.Length == 0 || id.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            throw new ArgumentException($"VM id '{id}' must be letters, digits, '-' or '_'", nameof(id));
        Id = id;
        Path = System.IO.Path.GetFullPath(System.IO.Path.Combine(vmsDir, id));
        if (Encoding.UTF8.GetByteCount(QmpSocket) > MaxSocketPath)
            throw new VmException(VmErrorKind.Unavailable,
                $"the state directory path is too long for unix sockets: {QmpSocket} exceeds {MaxSocketPath} bytes; use a shorter state dir");
    }

    public string Id { get; }
    public string Path { get; }
    public string QmpSocket => File("qmp.sock");
    public string SerialSocket => File("serial.sock");
    public string PidFile => File("qemu.pid");
    /// <summary>QMP for operators: <c>socat - UNIX-CONNECT:monitor.sock</c>, then qmp_capabilities.</summary>
    public string MonitorSocket => File("monitor.sock");
    public string ConsoleLog => File("console.log");
    public string RootDisk => File("root.qcow2");
    /// <summary>Exists while the guest is hibernated; holds the snapshot tag.</summary>
    public string HibernationMarker => File("hibernated");
    /// <summary>Exists while a deferred save waits for the next stop; holds the image name.</summary>
    public string DeferredSave => File("deferred-save");
    /// <summary>The PCI slot of each device the VM has (<see cref="SlotFile"/>): kept across reboots, so a
    /// device never moves in the guest.</summary>
    public string PciSlots => File("pci-slots");

    public VmPaths Paths => new(QmpSocket, SerialSocket, PidFile, MonitorSocket);

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Create() => Directory.CreateDirectory(Path);

    public int? ReadPid() =>
        System.IO.File.Exists(PidFile) && int.TryParse(System.IO.File.ReadAllText(PidFile).Trim(), out var pid) && pid > 0 ? pid : null;

    /// <summary>Makes QEMU's sockets and pid file owner-only: a daemonizing QEMU sets its own
    /// umask (027), so they come out group-readable; only the agent's user may drive the VM.</summary>
    public void RestrictRuntimeFiles()
    {
        if (OperatingSystem.IsWindows()) return;
        foreach (var f in new[] { QmpSocket, SerialSocket, MonitorSocket, PidFile })
            if (System.IO.File.Exists(f)) System.IO.File.SetUnixFileMode(f, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>Removes stale sockets and pid file of a dead QEMU before a new launch.</summary>
    public void ClearRuntimeFiles()
    {
        foreach (var f in new[] { QmpSocket, SerialSocket, MonitorSocket, PidFile })
            System.IO.File.Delete(f);
    }

    public void Delete()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}
