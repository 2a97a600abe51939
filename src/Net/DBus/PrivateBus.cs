using System.Text;
using Microsoft.Extensions.Logging;
using OcciAgent.Net.Dhcp;

namespace OcciAgent.Net.DBus;

/// <summary>A dbus-daemon the agent runs for itself where the system bus is unusable, with its
/// config, socket and pid file in the run directory, supervised like the dnsmasq instances.</summary>
internal sealed class PrivateBus(DhcpOptions options, ILogger log) : IAsyncDisposable
{
    private const int MaxSocketPath = 107; // sun_path is 108 bytes with the NUL
    private Supervisor? _supervisor;

    public string ConfigPath => Path.Combine(options.RunDir, "bus.conf");
    public string SocketPath => Path.Combine(options.RunDir, "bus.sock");
    public string PidPath => Path.Combine(options.RunDir, "bus.pid");
    public string Address => $"unix:path={SocketPath}";
    public int? Pid => _supervisor?.Pid;

    /// <summary>The marker argument that identifies our dbus-daemon in /proc/PID/cmdline.</summary>
    private string ConfigArgument => $"--config-file={ConfigPath}";

    public async Task StartAsync(CancellationToken ct)
    {
        if (Encoding.UTF8.GetByteCount(SocketPath) > MaxSocketPath)
            throw new InvalidOperationException(
                $"private D-Bus socket path {SocketPath} is longer than {MaxSocketPath} bytes; use a shorter DHCP run directory");
        await StopLeftoverAsync(ct).ConfigureAwait(false);
        await File.WriteAllTextAsync(ConfigPath, PrivateBusConfig.Render(SocketPath, PidPath, Environment.UserName), ct)
            .ConfigureAwait(false);
        var supervisor = new Supervisor("private dbus-daemon", StartReadyAsync, options, log);
        await supervisor.StartAsync(ct).ConfigureAwait(false);
        _supervisor = supervisor;
    }

    /// <summary>Stops a private bus an earlier agent process left running (our pid file, our
    /// config argument in its command line) and removes its files; used when the bus is now
    /// another one, and before starting our own.</summary>
    public async Task StopLeftoverAsync(CancellationToken ct)
    {
        if (OwnProcess.FromPidFile(PidPath, options.DbusDaemon, ConfigArgument) is { } leftover)
        {
            await OwnProcess.TerminateAsync(leftover, options.StopTimeout, ct).ConfigureAwait(false);
            DhcpLog.BusLeftoverStopped(log, leftover);
        }
        foreach (var f in new[] { SocketPath, PidPath, ConfigPath })
            File.Delete(f);
    }

    public async ValueTask DisposeAsync()
    {
        if (_supervisor is { } s) await s.StopAsync().ConfigureAwait(false);
        _supervisor = null;
        foreach (var f in new[] { SocketPath, PidPath, ConfigPath })
            File.Delete(f);
    }

    /// <summary>Ready when dbus-daemon prints its address (--print-address): it listens by then.</summary>
    private async Task<ChildProcess> StartReadyAsync(CancellationToken ct)
    {
        // A socket or pid file left by a killed daemon makes the start fail ("pid file exists");
        // both are ours (our names in our directory), and no live daemon of ours holds them here.
        File.Delete(SocketPath);
        File.Delete(PidPath);
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var child = ChildProcess.Start(options.DbusDaemon, ["--nofork", "--print-address", ConfigArgument], null,
            _ => listening.TrySetResult(), line => DhcpLog.ChildOutput(log, "dbus-daemon", line));
        try
        {
            var first = await Task.WhenAny(listening.Task, child.Exited).WaitAsync(options.StartTimeout, ct).ConfigureAwait(false);
            if (first != listening.Task)
                throw new InvalidOperationException(
                    $"private dbus-daemon exited at start (status {child.Exited.Result}): {child.LastLines}");
            return child;
        }
        catch (TimeoutException)
        {
            await child.StopAsync(options.StopTimeout).ConfigureAwait(false);
            child.Dispose();
            throw new InvalidOperationException($"private dbus-daemon did not listen within {options.StartTimeout.TotalSeconds:0} s: {child.LastLines}");
        }
        catch
        {
            await child.StopAsync(options.StopTimeout).ConfigureAwait(false);
            child.Dispose();
            throw;
        }
    }
}
