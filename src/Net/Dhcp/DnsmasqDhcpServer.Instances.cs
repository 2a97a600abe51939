using System.Diagnostics;
using System.Net;
using OcciAgent.Net.DBus;

namespace OcciAgent.Net.Dhcp;

// Starting, reloading and restarting one scope's dnsmasq.
public sealed partial class DnsmasqDhcpServer
{
    private async Task StartScopeAsync(ScopeInstance scope, CancellationToken ct)
    {
        await DnsmasqHostsFile.WriteAsync(scope.Paths.HostsFile, scope.Scope.Reservations, ct).ConfigureAwait(false);
        var recovered = scope.Reseed();
        if (recovered > 0) DhcpLog.LeasesRecovered(log, scope.Scope.Key, recovered, scope.Paths.LeaseFile);
        _scopes[scope.Scope.Key] = scope;
        var signals = _signals!;
        // Subscribe before dnsmasq starts, so its first lease signal cannot be missed.
        await signals.WatchAsync(scope.BusName, s => OnSignal(scope.Scope.Key, s),
            error => DhcpLog.BadSignal(log, scope.Scope.Key, error)).ConfigureAwait(false);
        var supervisor = new Supervisor($"dnsmasq {scope.Scope.Key}", c => LaunchAsync(scope, c), options, log,
            () => { scope.Reseed(); return Task.CompletedTask; });
        try
        {
            await supervisor.StartAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            _scopes.TryRemove(scope.Scope.Key, out _);
            await signals.UnwatchAsync(scope.BusName).ConfigureAwait(false);
            throw;
        }
        scope.Supervisor = supervisor;
    }

    /// <summary>Starts dnsmasq and returns once it owns its bus name (it then serves, and its
    /// signals reach us), or throws with dnsmasq's own last words if it exits first.</summary>
    private async Task<ChildProcess> LaunchAsync(ScopeInstance scope, CancellationToken ct)
    {
        var s = scope.Scope;
        var (file, args) = CommandWrapper?.Invoke(options.Dnsmasq, scope.Args) ?? (options.Dnsmasq, scope.Args);
        // dnsmasq finds its bus through libdbus's variable for the system bus; pass the chosen one.
        var env = new Dictionary<string, string> { ["DBUS_SYSTEM_BUS_ADDRESS"] = _bus!.Address };
        var clock = Stopwatch.StartNew();
        ChildProcess child;
        try
        {
            child = ChildProcess.Start(file, args, env, null, line => DhcpLog.ChildOutput(log, $"dnsmasq {s.Key}", line));
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"DHCP for network {s.NetworkId}: {e.Message} (package dnsmasq-base)", e);
        }
        try
        {
            while (true)
            {
                if (child.Exited.IsCompleted)
                    throw new InvalidOperationException(
                        $"DHCP for network {s.NetworkId}: dnsmasq on bridge {s.Bridge} exited at start (status {child.Exited.Result}): {child.LastLines}");
                if (await _signals!.OwnerPidAsync(scope.BusName).ConfigureAwait(false) == child.Pid)
                    break;
                if (clock.Elapsed > options.StartTimeout)
                    throw new InvalidOperationException(
                        $"DHCP for network {s.NetworkId}: dnsmasq pid {child.Pid} did not appear on the bus {_bus.Address} as {scope.BusName} within {options.StartTimeout.TotalSeconds:0} s: {child.LastLines}");
                await Task.WhenAny(child.Exited, Task.Delay(10, ct)).ConfigureAwait(false);
                ct.ThrowIfCancellationRequested();
            }
        }
        catch
        {
            await child.StopAsync(options.StopTimeout).ConfigureAwait(false);
            child.Dispose();
            throw;
        }
        DhcpLog.Started(log, s.Key, s.NetworkId, child.Pid, s.Bridge, s.RangeStart.ToString(), s.RangeEnd.ToString(),
            clock.ElapsedMilliseconds);
        return child;
    }

    /// <summary>Only the reservations may differ here: rewrite the hosts file and SIGHUP, which
    /// dnsmasq answers by re-reading it, keeping its leases and its pid.</summary>
    private async Task ReloadReservationsAsync(ScopeInstance running, DhcpScope scope, CancellationToken ct)
    {
        var changed = !ScopeInstance.SameReservations(running.Scope.Reservations, scope.Reservations);
        running.Scope = scope;
        if (!changed) return;
        await DnsmasqHostsFile.WriteAsync(running.Paths.HostsFile, scope.Reservations, ct).ConfigureAwait(false);
        // While dnsmasq is down between restarts there is nobody to signal; the restart reads the file.
        if (running.Supervisor?.Pid is { } pid && PosixSignals.Send(pid, PosixSignals.SigHup))
            DhcpLog.Reloaded(log, scope.Key, scope.Reservations.Count, pid);
    }

    /// <summary>A dnsmasq an earlier agent process left running for this key (found through our
    /// pid file, confirmed by its command line) is stopped; anything else is left alone.</summary>
    private async Task StopLeftoverAsync(string key, DhcpPaths paths, CancellationToken ct)
    {
        if (!File.Exists(paths.PidFile)) return;
        if (OwnProcess.FromPidFile(paths.PidFile, options.Dnsmasq, $"--pid-file={paths.PidFile}") is { } pid)
        {
            await OwnProcess.TerminateAsync(pid, options.StopTimeout, ct).ConfigureAwait(false);
            DhcpLog.LeftoverStopped(log, key, pid);
        }
        else if (int.TryParse(File.ReadAllText(paths.PidFile).Trim(), out var other) && OwnProcess.IsLive(other))
        {
            DhcpLog.ForeignPid(log, key, paths.PidFile);
        }
    }

    /// <summary>After the bus came back: dnsmasq does not reconnect by itself, so each instance is
    /// restarted to rejoin it (leases re-read from their files first).</summary>
    private async Task RejoinAllAsync()
    {
        DhcpLog.BusBack(log, _bus!.Address, _scopes.Count);
        foreach (var key in _scopes.Keys)
        {
            var gate = _keyLocks.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
            await gate.WaitAsync().ConfigureAwait(false);
            try
            {
                if (!_scopes.TryGetValue(key, out var s)) continue;
                if (s.Supervisor is { } old) await old.StopAsync().ConfigureAwait(false);
                s.Supervisor = null;
                await StartScopeAsync(new ScopeInstance(s.Scope, s.Paths, s.Args), CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                DhcpLog.RejoinFailed(log, key, e.Message);
            }
            finally
            {
                gate.Release();
            }
        }
    }

    private void OnSignal(string key, LeaseSignal signal)
    {
        if (!_scopes.TryGetValue(key, out var scope)) return;
        if (!IPAddress.TryParse(signal.Address, out var address) || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            DhcpLog.BadSignal(log, key, $"address '{signal.Address}' is not IPv4");
            return;
        }
        var lease = new DhcpLease(key, signal.Mac, address, signal.Hostname);
        if (signal.Change == DhcpLeaseChange.Deleted) scope.Leases.TryRemove(signal.Address, out _);
        else scope.Leases[signal.Address] = lease;
        DhcpLog.Lease(log, key, signal.Change, lease.Mac, signal.Address, lease.Hostname);
        try
        {
            LeaseChanged?.Invoke(signal.Change, lease);
        }
        catch (Exception e)
        {
            DhcpLog.HandlerFailed(log, key, e.Message);
        }
    }
}
