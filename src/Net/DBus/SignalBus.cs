using Microsoft.Extensions.Logging;
using OcciAgent.Net.Dhcp;
using Tmds.DBus.Protocol;

namespace OcciAgent.Net.DBus;

/// <summary>The agent's connection to the bus its dnsmasq instances talk on. It keeps the
/// lease-signal subscriptions, and when the connection drops (the bus restarted) it reconnects
/// with backoff, re-adds them and raises <see cref="Reconnected"/>: dnsmasq does not rejoin a
/// bus by itself (measured: after the bus restarts it keeps serving DHCP but never reappears on
/// the bus), so its owner must restart it.</summary>
internal sealed class SignalBus(string address, ILogger log) : IAsyncDisposable
{
    private const string DBusName = "org.freedesktop.DBus";
    private const string DBusPath = "/org/freedesktop/DBus";
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, Watch> _watches = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _disposed = new();
    private DBusConnection? _connection;
    private Task _monitor = Task.CompletedTask;

    public string Address => address;

    /// <summary>Raised (awaited) after a reconnect, once the subscriptions are back.</summary>
    public Func<Task>? Reconnected { get; set; }

    public async Task ConnectAsync(CancellationToken ct)
    {
        _connection = await OpenAsync(ct).ConfigureAwait(false);
        _monitor = Task.Run(MonitorAsync, CancellationToken.None);
    }

    /// <summary>Subscribes to one dnsmasq instance's lease signals (replacing an earlier
    /// subscription for the same name). The handler runs on a background thread.</summary>
    public async Task WatchAsync(string busName, Action<LeaseSignal> onSignal, Action<string> onBadSignal)
    {
        var watch = new Watch(busName, onSignal, onBadSignal);
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_watches.Remove(busName, out var old)) old.Subscription?.Dispose();
            _watches[busName] = watch;
            if (_connection is { } c) await SubscribeAsync(c, watch).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task UnwatchAsync(string busName)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_watches.Remove(busName, out var old)) old.Subscription?.Dispose();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The pid of the process owning <paramref name="busName"/>, or null when nobody
    /// owns it (or the bus is down). Start-up waits on this: the name is owned by the new pid
    /// only once dnsmasq is up and its signals can reach us.</summary>
    public async Task<int?> OwnerPidAsync(string busName)
    {
        if (_connection is not { } c) return null;
        try
        {
            var pid = await c.CallMethodAsync(OwnerPidCall(c, busName), static (m, _) => m.GetBodyReader().ReadUInt32(), null)
                .ConfigureAwait(false);
            return (int)pid;
        }
        catch (DBusErrorReplyException e) when (e.ErrorName == "org.freedesktop.DBus.Error.NameHasNoOwner")
        {
            return null;
        }
        catch (DBusConnectionClosedException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _disposed.Cancel();
        _connection?.Dispose();
        await _monitor.ConfigureAwait(false);
        _gate.Dispose();
    }

    private static MessageBuffer OwnerPidCall(DBusConnection c, string busName)
    {
        using var w = c.GetMessageWriter();
        w.WriteMethodCallHeader(destination: DBusName, path: DBusPath, @interface: DBusName,
            signature: "s", member: "GetConnectionUnixProcessID");
        w.WriteString(busName);
        return w.CreateMessage();
    }

    private async Task<DBusConnection> OpenAsync(CancellationToken ct)
    {
        var c = new DBusConnection(address);
        try
        {
            // Connect from the thread pool: the connection's receive loop would otherwise keep the
            // caller's SynchronizationContext (a test runner's, say) and stall when it is busy.
            await Task.Run(() => c.ConnectAsync().AsTask(), ct).WaitAsync(TimeSpan.FromSeconds(5), ct).ConfigureAwait(false);
            return c;
        }
        catch
        {
            c.Dispose();
            throw;
        }
    }

    private static async Task SubscribeAsync(DBusConnection c, Watch w)
    {
        w.Subscription = await c.AddMatchAsync(LeaseSignal.Rule(w.BusName), LeaseSignal.Read,
            n =>
            {
                if (!n.HasValue) return; // completion: the connection closed; MonitorAsync handles that
                var (signal, error) = n.Value;
                if (error is not null) w.OnBadSignal(error);
                else if (signal is { } s) w.OnSignal(s);
            },
            emitOnCapturedContext: false, ObserverFlags.None).ConfigureAwait(false);
    }

    private async Task MonitorAsync()
    {
        while (!_disposed.IsCancellationRequested && _connection is { } c)
        {
            var error = await c.DisconnectedAsync().ConfigureAwait(false);
            if (_disposed.IsCancellationRequested) return;
            DhcpLog.BusLost(log, address, error?.Message ?? "closed");
            var delay = TimeSpan.FromMilliseconds(100);
            while (!_disposed.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(delay, _disposed.Token).ConfigureAwait(false);
                    await ResubscribeAsync(await OpenAsync(_disposed.Token).ConfigureAwait(false)).ConfigureAwait(false);
                    break;
                }
                catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    DhcpLog.BusReconnectFailed(log, address, e.Message);
                    delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
                }
            }
            if (Reconnected is { } handler && !_disposed.IsCancellationRequested)
                await handler().ConfigureAwait(false);
        }
    }

    private async Task ResubscribeAsync(DBusConnection fresh)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            var old = _connection;
            _connection = fresh;
            old?.Dispose();
            foreach (var w in _watches.Values)
            {
                w.Subscription?.Dispose();
                await SubscribeAsync(fresh, w).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private sealed class Watch(string busName, Action<LeaseSignal> onSignal, Action<string> onBadSignal)
    {
        public string BusName => busName;
        public Action<LeaseSignal> OnSignal => onSignal;
        public Action<string> OnBadSignal => onBadSignal;
        public IDisposable? Subscription { get; set; }
    }
}
