using CliWrap;
using CliWrap.Buffered;
using OcciAgent.Hypervisor.Qemu;

namespace OcciAgent.Hypervisor.Vm;

/// <summary>Launches QEMU with <c>-daemonize</c>: QEMU forks, detaches into its own session, and
/// its first process exits only once the VM is initialised (or prints why it could not be), so
/// start-up errors come back synchronously and the VM survives an agent restart or crash.</summary>
public sealed class DaemonLauncher(string qemuPath) : IVmLauncher
{
    public string Name => "daemon";

    public async Task<int> LaunchAsync(VmSpec spec, IReadOnlyList<string> args, CancellationToken ct)
    {
        BufferedCommandResult r;
        try
        {
            r = await Cli.Wrap(qemuPath).WithArguments([.. args, "-daemonize"])
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException)
        {
            throw new VmException(VmErrorKind.Unavailable, $"cannot run {qemuPath}: {e.Message}", e);
        }
        if (r.ExitCode != 0)
            throw new VmException(VmErrorKind.Failed,
                $"QEMU refused to start VM {spec.Id} (exit {r.ExitCode}): {FirstLines(r.StandardError)}");
        var text = File.Exists(spec.Paths.PidFile) ? (await File.ReadAllTextAsync(spec.Paths.PidFile, ct).ConfigureAwait(false)).Trim() : "";
        if (!int.TryParse(text, out var pid) || pid <= 0)
            throw new VmException(VmErrorKind.Failed, $"QEMU started VM {spec.Id} but wrote no pid to {spec.Paths.PidFile}");
        return pid;
    }

    public Task KillAsync(string vmId, int pid, CancellationToken ct)
    {
        ProcessInfo.Kill(pid);
        return Task.CompletedTask;
    }

    private static string FirstLines(string s)
    {
        var lines = s.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "(no message)" : string.Join("; ", lines.Take(5));
    }
}
