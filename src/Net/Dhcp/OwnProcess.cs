namespace OcciAgent.Net.Dhcp;

/// <summary>Recognises a process this server started in an earlier life (the agent restarted):
/// only a live process whose argv[0] is the expected program and whose arguments contain the
/// exact marker argument (our own pid-file or config path) counts, so a recycled pid or
/// someone else's dnsmasq is never touched.</summary>
internal static class OwnProcess
{
    /// <summary>The pid in <paramref name="pidFile"/> when it names our process, else null.</summary>
    public static int? FromPidFile(string pidFile, string program, string marker)
    {
        string text;
        try
        {
            text = File.ReadAllText(pidFile).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        return int.TryParse(text, out var pid) && pid > 0 && Matches(pid, program, marker) ? pid : null;
    }

    public static bool Matches(int pid, string program, string marker)
    {
        try
        {
            if (!IsLive(pid)) return false;
            var argv = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
            return argv.Length > 0
                && Path.GetFileName(argv[0]) == Path.GetFileName(program)
                && argv.Contains(marker, StringComparer.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Exists and is not a zombie (a dead child not yet reaped still answers kill -0).</summary>
    public static bool IsLive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // "pid (comm) S ...": comm may contain ')' or spaces, so take the last ')'.
            var close = stat.LastIndexOf(')');
            return close > 0 && close + 2 < stat.Length && stat[close + 2] is not ('Z' or 'X' or 'x');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>SIGTERM, then SIGKILL after <paramref name="grace"/>; waits until the pid is gone
    /// (or a zombie: not our child, so its parent or init reaps it).</summary>
    public static async Task TerminateAsync(int pid, TimeSpan grace, CancellationToken ct)
    {
        PosixSignals.Send(pid, PosixSignals.SigTerm);
        if (await GoneWithinAsync(pid, grace, ct).ConfigureAwait(false)) return;
        PosixSignals.Send(pid, PosixSignals.SigKill);
        await GoneWithinAsync(pid, TimeSpan.FromSeconds(5), ct).ConfigureAwait(false);
    }

    private static async Task<bool> GoneWithinAsync(int pid, TimeSpan timeout, CancellationToken ct)
    {
        var until = DateTime.UtcNow + timeout;
        while (IsLive(pid))
        {
            if (DateTime.UtcNow > until) return false;
            await Task.Delay(20, ct).ConfigureAwait(false);
        }
        return true;
    }
}
