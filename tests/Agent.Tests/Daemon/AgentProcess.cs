using System.Diagnostics;
using System.Text;

namespace OcciAgent.Tests.Daemon;

/// <summary>The agent as its own process (the build output next to the tests, run by
/// <c>dotnet</c>), with stdout and stderr captured through pipes: not a terminal, as under
/// systemd. Disposing kills it if still running and removes its state dir.</summary>
public sealed class AgentProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private AgentProcess(Process p, string stateDir)
    {
        _process = p;
        StateDir = stateDir;
    }

    public string StateDir { get; }
    public int Pid => _process.Id;

    public static string AgentDll => Path.Combine(AppContext.BaseDirectory, "occi-agent.dll");

    public static AgentProcess Start(IDictionary<string, string?> env, params string[] args) => StartIn(null, null, env, args);

    /// <summary>Starts in <paramref name="workingDirectory"/> (null: the test's) on
    /// <paramref name="stateDir"/> (null: a new temporary one).</summary>
    public static AgentProcess StartIn(string? workingDirectory, string? stateDir, IDictionary<string, string?> env, params string[] args)
    {
        stateDir ??= Path.Combine(Path.GetTempPath(), "occi-agent-proc-" + Guid.NewGuid().ToString("N")[..12]);
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        psi.ArgumentList.Add(AgentDll);
        foreach (var arg in args) psi.ArgumentList.Add(arg);
        psi.ArgumentList.Add("--state-dir");
        psi.ArgumentList.Add(stateDir);
        foreach (var v in new[] { "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM" }) psi.Environment.Remove(v);
        foreach (var (k, v) in env) psi.Environment[k] = v;
        var p = new Process { StartInfo = psi };
        var a = new AgentProcess(p, stateDir);
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (a._stdout) a._stdout.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (a._stderr) a._stderr.AppendLine(e.Data); };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return a;
    }

    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code once it ended by itself within <paramref name="timeout"/>.</summary>
    public async Task<int> ExitCodeAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit(); // flushes the redirected streams
        return _process.ExitCode;
    }

    /// <summary>Waits until stdout holds <paramref name="text"/> (e.g. "[100]": serving).</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var end = DateTime.UtcNow + timeout;
        while (!Stdout.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited || DateTime.UtcNow > end)
                throw new TimeoutException($"no '{text}' in the agent's output (exited: {_process.HasExited});\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
            await Task.Delay(50);
        }
    }
    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>SIGTERM, as <c>systemctl stop</c> sends; the exit code once it ended.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", Pid.ToString() } })!)
            await kill.WaitForExitAsync();
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit(); // flushes the redirected streams
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        if (Directory.Exists(StateDir)) Directory.Delete(StateDir, recursive: true);
    }
}
