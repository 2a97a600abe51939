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
    public static bool IsTrusted(Socket socket, Peer peer, string group)
    {
        if (peer.Uid == 0) return true;
        if (GroupId(group) is not { } gid) return false;
        return peer.Gid == gid || SupplementaryGroups(socket).Contains(gid);
    }

    private const int SoPeerGroups = 59; // Linux 4.13+: gid_t[] of the peer, fixed at connect()

    /// <summary>The peer's supplementary groups as the kernel recorded them when it connected
    /// (SO_PEERGROUPS). Reading /proc/PID/status instead would ask whatever process holds that pid
    /// now, which after the peer's exit may be another one.</summary>
    internal static IReadOnlyList<uint> SupplementaryGroups(Socket socket)
    {
        // 64 groups cover nearly every account; the kernel answers ERANGE for more (NGROUPS_MAX 65536).
        foreach (var size in new[] { 64 * sizeof(uint), 65536 * sizeof(uint) })
        {
            var buffer = new byte[size];
            try
            {
                var n = socket.GetRawSocketOption(SolSocket, SoPeerGroups, buffer);
                return MemoryMarshal.Cast<byte, uint>(buffer.AsSpan(0, n)).ToArray();
            }
            catch (SocketException) when (size < 65536 * sizeof(uint)) { }
        }
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
