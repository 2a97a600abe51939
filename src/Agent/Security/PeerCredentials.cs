using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace OcciAgent.Security;

/// <summary>The kernel's word on who is at the other end of a unix socket (SO_PEERCRED, as
/// src/Hypervisor/Vm/ProcessInfo.cs reads it for QMP), and whether that peer is trusted as admin:
/// root, or a member (primary or supplementary) of the socket group.</summary>
public static partial class PeerCredentials
{
    private const int SolSocket = 1;   // SOL_SOCKET
    private const int SoPeerCred = 17; // struct ucred { pid_t pid; uid_t uid; gid_t gid; }

    public readonly record struct Peer(int Pid, uint Uid, uint Gid);

    public static Peer Of(Socket socket)
    {
        Span<byte> ucred = stackalloc byte[12];
        var n = socket.GetRawSocketOption(SolSocket, SoPeerCred, ucred);
        if (n < 12) throw new IOException($"SO_PEERCRED returned {n} bytes");
        return new Peer(MemoryMarshal.Read<int>(ucred), MemoryMarshal.Read<uint>(ucred[4..]), MemoryMarshal.Read<uint>(ucred[8..]));
    }

    /// <summary>True for root and for members of <paramref name="group"/> (looked up on every
    /// call, so a group created after the agent started counts).</summary>
    public static bool IsTrusted(Peer peer, string group)
    {
        if (peer.Uid == 0) return true;
        if (GroupId(group) is not { } gid) return false;
        return peer.Gid == gid || SupplementaryGroups(peer.Pid).Contains(gid);
    }

    /// <summary>The peer's supplementary groups from /proc/PID/status (<c>Groups:</c>); none when
    /// the pid is 0 (a peer in a PID namespace we cannot see) or the process is gone.</summary>
    internal static IReadOnlyList<uint> SupplementaryGroups(int pid)
    {
        if (pid <= 0) return [];
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("Groups:", StringComparison.Ordinal))
                    return line[7..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)
                        .Select(g => uint.TryParse(g, out var v) ? v : uint.MaxValue).Where(v => v != uint.MaxValue).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return [];
    }

    private static readonly Lock GroupLookup = new();

    /// <summary>getgrnam through the C library, so NSS sources (not only /etc/group) count.</summary>
    internal static uint? GroupId(string name)
    {
        lock (GroupLookup) // getgrnam returns a static buffer
        {
            var g = GetGrNam(name);
            if (g == 0) return null;
            // struct group { char *gr_name; char *gr_passwd; gid_t gr_gid; char **gr_mem; }
            return (uint)Marshal.ReadInt32(g, 2 * IntPtr.Size);
        }
    }

    [LibraryImport("libc", EntryPoint = "getgrnam", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint GetGrNam(string name);
}
