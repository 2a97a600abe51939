using Tmds.DBus.Protocol;

namespace OcciAgent.Hypervisor.Systemd;

/// <summary>The parts of <c>org.freedesktop.systemd1.Manager</c> the VM launcher needs, over one
/// bus connection (Tmds.DBus.Protocol: no reflection, native AOT clean). Jobs are awaited
/// through <c>JobRemoved</c>, never by sleeping.</summary>
public sealed class SystemdManager : IAsyncDisposable
{
    public const string Service = "org.freedesktop.systemd1";
    private const string ManagerPath = "/org/freedesktop/systemd1";
    private const string ManagerIface = "org.freedesktop.systemd1.Manager";
    internal const string UnitIface = "org.freedesktop.systemd1.Unit";
    internal const string ServiceIface = "org.freedesktop.systemd1.Service";

    /// <summary>The directory systemd creates when it is PID 1 (what sd_booted(3) looks at).</summary>
    public const string BootedMarker = "/run/systemd/system";

    private readonly JobTracker _jobs = new();
    private IDisposable? _jobMatch;

    private SystemdManager(DBusConnection bus, string address)
    {
        Bus = bus;
        Address = address;
    }

    /// <summary>sd_booted(3): whether systemd is the service manager (PID 1) here.</summary>
    public static bool IsBooted => Directory.Exists(BootedMarker);

    internal DBusConnection Bus { get; }
    /// <summary>The D-Bus address connected to (the system bus unless configured otherwise).</summary>
    public string Address { get; }
    /// <summary>systemd's version string, e.g. "252.39-1~deb12u2".</summary>
    public string Version { get; private set; } = "";
    /// <summary>Completes when the bus connection is gone; this object is then useless.</summary>
    public Task Disconnected { get; private set; } = Task.CompletedTask;

    /// <summary>Connects, checks that the manager answers (its Version), watches JobRemoved and
    /// subscribes to unit signals (systemd sends PropertiesChanged/UnitRemoved only while
    /// someone is subscribed).</summary>
    /// <param name="address">A D-Bus address, or null for the system bus.</param>
    public static async Task<SystemdManager> ConnectAsync(string? address, TimeSpan timeout, CancellationToken ct)
    {
        var addr = string.IsNullOrEmpty(address) ? DBusAddress.System ?? "unix:path=/run/dbus/system_bus_socket" : address;
        var bus = new DBusConnection(addr);
        var m = new SystemdManager(bus, addr);
        try
        {
            await m.InitAsync().WaitAsync(timeout, ct).ConfigureAwait(false);
            return m;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            await m.DisposeAsync().ConfigureAwait(false);
            var why = e switch
            {
                TimeoutException => $"no answer within {timeout.TotalSeconds:0.#} s",
                SystemdException s => s.Message,
                _ => e.Message,
            };
            throw new SystemdException($"the systemd manager on {addr} is not reachable: {why}", (e as SystemdException)?.ErrorName, e);
        }
    }

    private async Task InitAsync()
    {
        try
        {
            await Bus.ConnectAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is DBusConnectionException or IOException or System.Net.Sockets.SocketException or ArgumentException)
        {
            throw new SystemdException($"cannot connect: {e.Message}", null, e);
        }
        Disconnected = Bus.DisconnectedAsync().ContinueWith(t =>
        {
            _jobs.FailAll(new SystemdException("the D-Bus connection to systemd closed", null, t.Exception?.InnerException ?? t.Result));
        }, TaskScheduler.Default);
        _jobMatch = await Bus.AddMatchAsync(
            new MatchRule { Type = MessageType.Signal, Sender = Service, Path = ManagerPath, Interface = ManagerIface, Member = "JobRemoved" },
            static (m, _) =>
            {
                var r = m.GetBodyReader();
                r.ReadUInt32();
                var job = r.ReadObjectPathAsString();
                r.ReadString();
                return (Job: job, Result: r.ReadString());
            },
            n => { if (n.HasValue) _jobs.OnJobRemoved(n.Value.Job, n.Value.Result); },
            emitOnCapturedContext: false, ObserverFlags.None).ConfigureAwait(false);
        Version = await DBusCalls.GetPropertyAsync(Bus, Service, ManagerPath, ManagerIface, "Version", "s",
            static (ref Reader r) => r.ReadString()).ConfigureAwait(false);
        await CallManagerAsync("Subscribe", null, null).ConfigureAwait(false);
    }

    private Task CallManagerAsync(string member, string? signature, BodyWriter? body) =>
        DBusCalls.CallAsync(Bus, Service, ManagerPath, ManagerIface, member, signature, body);

    private Task<string> CallForJobAsync(string member, string signature, BodyWriter body) =>
        DBusCalls.CallAsync(Bus, Service, ManagerPath, ManagerIface, member, signature, body,
            static (m, _) => m.GetBodyReader().ReadObjectPathAsString());

    /// <summary>Runs a call that queues a job and returns the job's result once systemd removes it.</summary>
    private async Task<string> RunJobAsync(string member, string signature, BodyWriter body, CancellationToken ct)
    {
        Task<string> done;
        using (_jobs.BeginCall())
        {
            var job = await CallForJobAsync(member, signature, body).ConfigureAwait(false);
            done = _jobs.WaitAsync(job);
        }
        return await done.WaitAsync(ct).ConfigureAwait(false);
    }

    /// <summary><c>StartTransientUnit(name, "fail", properties, [])</c>, then the job's result.</summary>
    public Task<string> StartTransientUnitAsync(string name, TransientUnit unit, CancellationToken ct) =>
        RunJobAsync("StartTransientUnit", "ssa(sv)a(sa(sv))", (ref MessageWriter w) =>
        {
            w.WriteString(name);
            w.WriteString("fail");
            unit.WriteProperties(ref w);
            var aux = w.WriteArrayStart(DBusType.Struct);
            w.WriteArrayEnd(aux);
        }, ct);

    /// <summary><c>StopUnit(name, "replace")</c>, then the job's result.</summary>
    public Task<string> StopUnitAsync(string name, CancellationToken ct) =>
        RunJobAsync("StopUnit", "ss", (ref MessageWriter w) => { w.WriteString(name); w.WriteString("replace"); }, ct);

    /// <summary><c>KillUnit(name, "all", signal)</c>: no job; the unit ends when its processes do.</summary>
    public Task KillUnitAsync(string name, int signal) =>
        CallManagerAsync("KillUnit", "ssi", (ref MessageWriter w) => { w.WriteString(name); w.WriteString("all"); w.WriteInt32(signal); });

    /// <summary>The unit's object path, or null when systemd does not know it (never started, or
    /// collected after it ended).</summary>
    public async Task<string?> GetUnitAsync(string name)
    {
        try
        {
            return await DBusCalls.CallAsync(Bus, Service, ManagerPath, ManagerIface, "GetUnit", "s",
                (ref MessageWriter w) => w.WriteString(name), static (m, _) => m.GetBodyReader().ReadObjectPathAsString()).ConfigureAwait(false);
        }
        catch (SystemdException e) when (e.ErrorName == SystemdException.NoSuchUnit)
        {
            return null;
        }
    }

    /// <summary>ActiveState of a unit (active, activating, deactivating, inactive, failed), or
    /// null when the unit does not exist.</summary>
    public async Task<string?> ActiveStateAsync(string name)
    {
        var path = await GetUnitAsync(name).ConfigureAwait(false);
        if (path is null) return null;
        try
        {
            return await DBusCalls.GetPropertyAsync(Bus, Service, path, UnitIface, "ActiveState", "s", static (ref Reader r) => r.ReadString())
                .ConfigureAwait(false);
        }
        catch (SystemdException e) when (e.ErrorName is "org.freedesktop.DBus.Error.UnknownObject" or SystemdException.NoSuchUnit)
        {
            return null;
        }
    }

    public Task<string> StringPropertyAsync(string unitPath, string iface, string name) =>
        DBusCalls.GetPropertyAsync(Bus, Service, unitPath, iface, name, "s", static (ref Reader r) => r.ReadString());

    /// <summary>The service's MainPID, in systemd's PID namespace (0 when it has none).</summary>
    public Task<uint> MainPidAsync(string unitPath) =>
        DBusCalls.GetPropertyAsync(Bus, Service, unitPath, ServiceIface, "MainPID", "u", static (ref Reader r) => r.ReadUInt32());

    /// <summary>Watches a unit (which may not exist yet) until it is inactive, failed or removed.
    /// Set up before starting the unit so that nothing is missed.</summary>
    public Task<UnitWatch> WatchAsync(string unitName) => UnitWatch.StartAsync(this, unitName);

    public ValueTask DisposeAsync()
    {
        _jobMatch?.Dispose();
        Bus.Dispose();
        return ValueTask.CompletedTask;
    }
}
