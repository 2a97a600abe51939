using System.Runtime.InteropServices;
using CliWrap;
using CliWrap.Buffered;
using OcciAgent.Store;

namespace OcciAgent.Check;

/// <summary>Read-only host look-ups the checks share: run a tool, open a device, read a
/// capability. Nothing here changes the host.</summary>
internal static partial class Probes
{
    private const int O_RDWR = 2;
    private const int O_CLOEXEC = 0x80000;
    private const int W_OK = 2;
    private const int X_OK = 1;

    /// <summary>Runs a tool with a time limit; null when it cannot be started.</summary>
    public static async Task<BufferedCommandResult?> RunAsync(string path, string[] args, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TimeSpan.FromSeconds(15));
        try
        {
            return await Cli.Wrap(path).WithArguments(args).WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(limit.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return null;
        }
    }

    public static string FirstLine(string s) =>
        s.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";

    /// <summary>Opens a device read-write and closes it at once: null when that works, else why
    /// not. Opening /dev/kvm or /dev/net/tun allocates nothing until an ioctl asks for it.</summary>
    public static string? TryOpenReadWrite(string path)
    {
        if (!File.Exists(path)) return $"{path} does not exist";
        var fd = LibC.Open(path, O_RDWR | O_CLOEXEC);
        if (fd < 0) return $"{path} cannot be opened read-write: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}";
        LibC.Close(fd);
        return null;
    }

    /// <summary>access(2) with W_OK|X_OK: may this user create files in the directory?</summary>
    public static bool CanWriteInto(string dir) => Access(dir, W_OK | X_OK) == 0;

    /// <summary>Whether the effective capability set holds capability number <paramref name="cap"/>
    /// (CapEff in /proc/self/status).</summary>
    public static bool HasCapability(int cap)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("CapEff:", StringComparison.Ordinal))
                return ulong.TryParse(line[7..].Trim(), System.Globalization.NumberStyles.HexNumber, null, out var bits)
                       && (bits & (1UL << cap)) != 0;
        return false;
    }

    /// <summary>The pids holding an exclusive flock, from /proc/locks (reading it takes no lock).</summary>
    public static IReadOnlySet<int> FlockWriters()
    {
        var pids = new HashSet<int>();
        if (!File.Exists("/proc/locks")) return pids;
        foreach (var line in File.ReadLines("/proc/locks"))
        {
            // "1: FLOCK  ADVISORY  WRITE 1234 00:2a:123 0 EOF"
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length > 4 && f[1] == "FLOCK" && f[3] == "WRITE" && int.TryParse(f[4], out var pid)) pids.Add(pid);
        }
        return pids;
    }

    [LibraryImport("libc", EntryPoint = "access", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Access(string path, int mode);
}
