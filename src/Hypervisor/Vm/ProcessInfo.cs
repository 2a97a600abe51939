using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace OcciAgent.Hypervisor.Vm;

/// <summary>Finds the QEMU we started (and no longer parent, since it daemonised) by its QMP
/// socket: whoever accepts a connection there is alive (a zombie has closed its sockets, so
/// <c>kill -0</c>, which succeeds on a zombie, is not needed), and SO_PEERCRED names it.</summary>
public static class ProcessInfo
{
    private const int SolSocket = 1;   // SOL_SOCKET
    private const int SoPeerCred = 17; // SO_PEERCRED: struct ucred { pid_t pid; uid_t uid; gid_t gid; }

    /// <summary>The PID of the process at the other end of a connected unix socket, from the
    /// kernel (SO_PEERCRED), translated into our PID namespace. Unlike a pid file or systemd's
    /// MainPID, this is right even when QEMU was started in another PID namespace (a container's
    /// systemd). 0 when the peer is in a namespace we cannot see.</summary>
    public static int PeerPid(Socket socket)
    {
        Span<byte> ucred = stackalloc byte[12];
        var n = socket.GetRawSocketOption(SolSocket, SoPeerCred, ucred);
        if (n < 4) throw new IOException($"SO_PEERCRED returned {n} bytes");
        return MemoryMarshal.Read<int>(ucred); // native byte order, as the kernel wrote it
    }

    /// <summary>The PID of whoever listens on the unix socket at <paramref name="path"/>, or null
    /// when nothing does (no file, or connection refused: the QEMU that made it is gone). The
    /// connection is closed at once; it never reads, so a QMP monitor only sees a client come
    /// and go (and serves the next one).</summary>
    public static async Task<int?> ListenerPidAsync(string path, TimeSpan timeout, CancellationToken ct)
    {
        if (!File.Exists(path)) return null;
        using var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            // Async with a deadline: a full listen backlog would block a plain connect().
            await s.ConnectAsync(new UnixDomainSocketEndPoint(path), cts.Token).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            return null;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return null;
        }
        var pid = PeerPid(s);
        return pid > 0 ? pid : null;
    }

    /// <summary>SIGKILL to <paramref name="pid"/>; a process that is already gone is fine.</summary>
    public static void Kill(int pid)
    {
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            p.Kill();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }
}
