using System.Runtime.InteropServices;

namespace OcciAgent.Net.Dhcp;

/// <summary>Sending signals: .NET's Process.Kill only sends SIGKILL, but dnsmasq reloads its
/// hosts file on SIGHUP and cleans up on SIGTERM. kill(2) takes and returns plain ints, so the
/// P/Invoke needs no marshalling and is AOT-safe.</summary>
internal static class PosixSignals
{
    public const int SigHup = 1;
    public const int SigKill = 9;
    public const int SigTerm = 15;

    /// <summary>False when the process no longer exists (or is not ours to signal).</summary>
    public static bool Send(int pid, int signal) => pid > 0 && kill(pid, signal) == 0;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
