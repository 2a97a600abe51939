using System.Buffers.Binary;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using OcciAgent.Net.DBus;

namespace OcciAgent.Net.Dhcp;

/// <summary><see cref="IDhcpServer"/> with one supervised dnsmasq per scope, serving DHCP on
/// that scope's bridge only, and leases learned from dnsmasq's D-Bus signals (see
/// src/Net/README.md, "DHCP"). Calls for different keys run in parallel; calls for the same key
/// are serialised.</summary>
public sealed partial class DnsmasqDhcpServer(DhcpOptions options, ILogger log) : IDhcpServer
{
    private readonly ConcurrentDictionary<string, ScopeInstance> _scopes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _keyLocks = new(StringComparer.Ordinal);
    private BusChoice? _bus;
    private SignalBus? _signals;

    /// <summary>Test seam: rewrites the dnsmasq command (program, arguments) before it runs, e.g.
    /// into <c>ip netns exec NS dnsmasq ...</c> so tests serve a bridge inside their own network
    /// namespace. The wrapper must exec the program (same pid). Production leaves it null: the
    /// agent runs in the namespace whose bridges it manages.</summary>
    internal Func<string, IReadOnlyList<string>, (string File, IReadOnlyList<string> Args)>? CommandWrapper { get; init; }

    public string BusDescription => _bus?.Description ?? (_startFailure is { } f ? "unavailable: " + f : "not started");

    /// <summary>Why <see cref="StartAsync"/> failed: every later EnsureAsync says so (stopping and
    /// leftover removal work from the run dir alone and need no bus).</summary>
    private string? _startFailure;

    public event Action<DhcpLeaseChange, DhcpLease>? LeaseChanged;

    /// <summary>The pid of a scope's dnsmasq while it runs (for /host and tests).</summary>
    public int? ServerPid(string key) => _scopes.TryGetValue(key, out var s) ? s.Supervisor?.Pid : null;

    public async Task StartAsync(CancellationToken ct)
    {
        if (_bus is not null) throw new InvalidOperationException("the DHCP server is already started");
        try
        {
            PrepareRunDir();
            var bus = await BusSelector.ChooseAsync(options, log, ct).ConfigureAwait(false);
            var signals = new SignalBus(bus.Address, log) { Reconnected = RejoinAllAsync };
            try
            {
                await signals.ConnectAsync(ct).ConfigureAwait(false);
            }
            catch
            {
                if (bus.Private is { } p) await p.DisposeAsync().ConfigureAwait(false);
                throw;
            }
            (_bus, _signals, _startFailure) = (bus, signals, null);
            DhcpLog.BusChosen(log, bus.Description);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _startFailure = e.Message;
            throw;
        }
    }

    public async Task EnsureAsync(DhcpScope scope, CancellationToken ct)
    {
        DhcpScopeValidator.Validate(scope);
        if (_startFailure is { } why)
            throw new NetException(NetErrorKind.Unavailable, $"network {scope.NetworkId}: DHCP cannot run on this host: {why}");
        if (_signals is null) throw new InvalidOperationException("the DHCP server is not started (call StartAsync first)");
        var gate = _keyLocks.GetOrAdd(scope.Key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var paths = DhcpPaths.For(options.RunDir, scope.Key);
            var args = DnsmasqArguments.Build(scope, paths, options);
            if (_scopes.TryGetValue(scope.Key, out var running) && running.Supervisor is { GaveUp: false } supervisor)
            {
                if (running.Args.SequenceEqual(args, StringComparer.Ordinal))
                {
                    await ReloadReservationsAsync(running, scope, ct).ConfigureAwait(false);
                    return;
                }
                DhcpLog.Restarting(log, scope.Key);
                await supervisor.StopAsync().ConfigureAwait(false);
            }
            else if (running?.Supervisor is { } gaveUp)
            {
                await gaveUp.StopAsync().ConfigureAwait(false);
            }
            else
            {
                await StopLeftoverAsync(scope.Key, paths, ct).ConfigureAwait(false);
            }
            await StartScopeAsync(new ScopeInstance(scope, paths, args), ct).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task StopAsync(string key, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!DhcpScopeValidator.IsValidKey(key))
            throw new ArgumentException($"DHCP scope key '{key}' must be 1 to 10 characters of [a-z0-9]", nameof(key));
        var gate = _keyLocks.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var paths = DhcpPaths.For(options.RunDir, key);
            if (_scopes.TryRemove(key, out var running))
            {
                if (running.Supervisor is { } s) await s.StopAsync().ConfigureAwait(false);
                if (_signals is { } signals) await signals.UnwatchAsync(running.BusName).ConfigureAwait(false);
            }
            else
            {
                await StopLeftoverAsync(key, paths, ct).ConfigureAwait(false);
            }
            var removed = false;
            foreach (var f in paths.All.Append(paths.HostsFile + ".tmp").Where(File.Exists))
            {
                File.Delete(f);
                removed = true;
            }
            if (running is not null || removed) DhcpLog.Stopped(log, key);
        }
        finally
        {
            gate.Release();
        }
    }

    public IReadOnlyList<DhcpLease> Leases(string key) =>
        _scopes.TryGetValue(key, out var s)
            ? [.. s.Leases.Values.OrderBy(l => Addressing.Ipv4Subnet.ToUInt(l.Address))]
            : [];

    /// <summary>Stops every dnsmasq and the private bus. Lease and hosts files stay, so the next
    /// agent recovers the leases; <see cref="StopAsync"/> is what deletes a scope's files.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var key in _scopes.Keys)
        {
            var gate = _keyLocks.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
            await gate.WaitAsync().ConfigureAwait(false);
            try
            {
                if (_scopes.TryRemove(key, out var s) && s.Supervisor is { } sup)
                    await sup.StopAsync().ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        }
        if (_signals is { } signals) await signals.DisposeAsync().ConfigureAwait(false);
        if (_bus?.Private is { } p) await p.DisposeAsync().ConfigureAwait(false);
        _signals = null;
    }
}
