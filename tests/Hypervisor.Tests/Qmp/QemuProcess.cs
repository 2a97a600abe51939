using System.Diagnostics;
using System.Text;

namespace OcciAgent.Hypervisor.Tests.Qmp;

/// <summary>A real <c>qemu-system-x86_64</c> with a QMP unix socket in its own temp directory, started
/// directly (not through the code under test). <see cref="Dispose"/> kills it if it still runs and removes the
/// directory; test classes dispose every instance they started, also when a test fails.</summary>
internal sealed class QemuProcess : IDisposable
{
    /// <summary>No machine at all: the cheapest QEMU that still has a full QMP monitor.</summary>
    public static readonly string[] NoMachine = ["-machine", "none"];

    /// <summary>A PC with no disk and no kernel: under TCG it sits in SeaBIOS, enough for stop/cont/reset.</summary>
    public static readonly string[] IdlePc = ["-machine", "pc", "-accel", "tcg", "-m", "80"];

    private readonly StringBuilder _stderr = new();
    private readonly string _directory;

    private QemuProcess(string directory, Process process, string socketPath)
    {
        _directory = directory;
        Process = process;
        SocketPath = socketPath;
    }

    public Process Process { get; }

    public string SocketPath { get; }

    public string Stderr
    {
        get
        {
            lock (_stderr)
                return _stderr.ToString();
        }
    }

    /// <summary>Starts QEMU; <paramref name="extra"/> comes after the machine arguments (e.g. "-S").</summary>
    public static QemuProcess Start(string[] machine, params string[] extra) =>
        StartAt(Directory.CreateTempSubdirectory("occi-qmp-").FullName, machine, extra);

    /// <summary>Starts QEMU with its socket in <paramref name="directory"/>, which this instance then owns.</summary>
    public static QemuProcess StartAt(string directory, string[] machine, params string[] extra)
    {
        var socketPath = Path.Combine(directory, "qmp.sock");
        var start = new ProcessStartInfo("qemu-system-x86_64")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
        };
        foreach (var arg in machine.Concat(["-nodefaults", "-display", "none", "-qmp", $"unix:{socketPath},server=on,wait=off"]).Concat(extra))
            start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        var qemu = new QemuProcess(directory, process, socketPath);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                lock (qemu._stderr)
                    qemu._stderr.AppendLine(e.Data);
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return qemu;
    }

    /// <summary>Sends a signal with kill(1) (SIGSTOP/SIGCONT: Process has no API for them).</summary>
    public void Signal(string signal)
    {
        using var kill = System.Diagnostics.Process.Start("kill", ["-" + signal, Process.Id.ToString()]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await Process.WaitForExitAsync().WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        try
        {
            if (!Process.HasExited)
            {
                Process.Kill();
                Process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
        Process.Dispose();
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }
}
