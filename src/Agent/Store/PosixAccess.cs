using System.Runtime.InteropServices;

namespace OcciAgent.Store;

/// <summary>Process umask, group lookup and chown, for the modes of what the agent writes
/// (README "Files and their modes"). Source-generated [LibraryImport] stubs (AOT-safe).</summary>
public static partial class PosixAccess
{
    private const string Lib = "libc";

    [LibraryImport(Lib, EntryPoint = "umask")]
    private static partial uint Umask(uint mask);

    [LibraryImport(Lib, EntryPoint = "getgrnam", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint Getgrnam(string name);

    [LibraryImport(Lib, EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Chown(string path, uint owner, uint group);

    /// <summary>Every file and directory the agent (and QEMU, qemu-img, dnsmasq it starts) creates is
    /// then private to its user unless made more open on purpose. Returns the former mask.</summary>
    public static uint SetPrivateUmask() => Umask(0b000_111_111);

    /// <summary>The id of a group, or null when there is none by that name.</summary>
    public static uint? GroupId(string name)
    {
        var entry = Getgrnam(name);
        // struct group { char *gr_name; char *gr_passwd; gid_t gr_gid; char **gr_mem; }
        return entry == 0 ? null : (uint)Marshal.ReadInt32(entry, 2 * IntPtr.Size);
    }

    /// <summary>Changes the group of a file, keeping its owner.</summary>
    public static void ChangeGroup(string path, uint gid)
    {
        if (Chown(path, uint.MaxValue, gid) != 0)
            throw new IOException($"cannot change the group of {path}: errno {Marshal.GetLastPInvokeError()}");
    }
}
