namespace OcciAgent.Hypervisor.Vm;

/// <summary>Reads /proc to judge whether a QEMU we started (and no longer parent, since it
/// daemonised) is alive. A dead QEMU can linger as a zombie until init reaps it, and
/// <c>kill -0</c> succeeds on a zombie (host-facts "QEMU here"), so the state letter decides.</summary>
public static class ProcessInfo
{
    /// <summary>True when PID exists, is not a zombie, and its command line contains
    /// <paramref name="marker"/> (our QMP socket path: guards against a recycled PID).</summary>
    public static bool IsAlive(int pid, string marker)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Format: "pid (comm) S ..."; comm may contain spaces or ')', so take the last ')'.
            var close = stat.LastIndexOf(')');
            if (close < 0 || close + 2 >= stat.Length) return false;
            if (stat[close + 2] is 'Z' or 'X' or 'x') return false;
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline");
            return cmdline.Contains(marker, StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
