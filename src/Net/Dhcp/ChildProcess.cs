using System.ComponentModel;
using System.Diagnostics;

namespace OcciAgent.Net.Dhcp;

/// <summary>A daemon run as a direct child (foreground mode), so its exit is seen at once and
/// .NET reaps it. stdout and stderr lines go to callbacks; the last few stderr lines are kept
/// for error messages. Arguments go through ArgumentList, never a shell string.</summary>
internal sealed class ChildProcess : IDisposable
{
    private const int KeptLines = 8;
    private readonly Process _process;
    private readonly Queue<string> _lastLines = new();
    private Task<int> _exited = Task.FromResult(-1);

    private ChildProcess(Process process) => _process = process;

    public int Pid { get; private init; }

    /// <summary>Completes with the exit code (128+N when killed by signal N).</summary>
    public Task<int> Exited => _exited;

    public string LastLines
    {
        get { lock (_lastLines) return _lastLines.Count == 0 ? "(no output)" : string.Join(" | ", _lastLines); }
    }

    /// <exception cref="InvalidOperationException">The program cannot be run (message names it).</exception>
    public static ChildProcess Start(string file, IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? env,
        Action<string>? onStdout, Action<string> onStderr)
    {
        var psi = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardInput = true, // an empty, closed stdin rather than the agent's
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (env is not null)
            foreach (var (k, v) in env) psi.Environment[k] = v;

        var process = new Process { StartInfo = psi };
        try
        {
            if (!process.Start()) throw new InvalidOperationException($"{file} did not start");
        }
        catch (Win32Exception e)
        {
            process.Dispose();
            throw new InvalidOperationException($"cannot run {file}: {e.Message}", e);
        }
        var child = new ChildProcess(process) { Pid = process.Id };
        process.StandardInput.Close();
        process.OutputDataReceived += (_, e) => { if (e.Data is { } l) onStdout?.Invoke(l); };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not { } l) return;
            lock (child._lastLines)
            {
                child._lastLines.Enqueue(l);
                while (child._lastLines.Count > KeptLines) child._lastLines.Dequeue();
            }
            onStderr(l);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        child._exited = WaitAsync(process); // after Begin*ReadLine, so it also waits for their EOF
        return child;
    }

    public bool Signal(int signal) => !_exited.IsCompleted && PosixSignals.Send(Pid, signal);

    /// <summary>SIGTERM, then SIGKILL after <paramref name="grace"/>; returns once reaped.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_exited.IsCompleted) return;
        Signal(PosixSignals.SigTerm);
        if (await Task.WhenAny(_exited, Task.Delay(grace)).ConfigureAwait(false) == _exited) return;
        Signal(PosixSignals.SigKill);
        await _exited.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
    }

    public void Dispose() => _process.Dispose();

    /// <summary>WaitForExitAsync also waits for the end of the redirected output, so the last
    /// stderr lines (why it died) are in <see cref="LastLines"/> when this completes.</summary>
    private static async Task<int> WaitAsync(Process p)
    {
        await p.WaitForExitAsync().ConfigureAwait(false);
        return p.ExitCode;
    }
}
