using Tmds.DBus.Protocol;

namespace OcciAgent.Hypervisor.Systemd;

/// <summary>Completes <see cref="Ended"/> when a unit reaches <c>inactive</c> or <c>failed</c>,
/// after it was seen running, or is removed (collected), from systemd's own signals: PropertiesChanged on the unit's object
/// path and the manager's UnitRemoved. Both matches are in place before the unit is started.</summary>
public sealed class UnitWatch : IDisposable
{
    private readonly TaskCompletionSource<string> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IDisposable? _changed;
    private IDisposable? _removed;
    private volatile bool _started;

    private UnitWatch(string unitName) => UnitName = unitName;

    public string UnitName { get; }
    /// <summary>The end: "inactive", "failed" or "removed".</summary>
    public Task<string> Ended => _ended.Task;
    /// <summary>The service's Result ("exit-code", "signal", ...) if a signal carried it.</summary>
    public string? Result { get; private set; }
    /// <summary>The main process's exit status if a signal carried it.</summary>
    public int? ExitStatus { get; private set; }

    internal static async Task<UnitWatch> StartAsync(SystemdManager m, string unitName)
    {
        var w = new UnitWatch(unitName);
        try
        {
            w._changed = await m.Bus.AddMatchAsync(
                new MatchRule
                {
                    Type = MessageType.Signal, Sender = SystemdManager.Service, Path = UnitNames.ObjectPath(unitName),
                    Interface = "org.freedesktop.DBus.Properties", Member = "PropertiesChanged",
                },
                static (msg, _) =>
                {
                    var r = msg.GetBodyReader();
                    var iface = r.ReadString();
                    var changed = r.ReadDictionaryOfStringToVariantValue();
                    string? Str(string k) => changed.TryGetValue(k, out var v) && v.Type == VariantValueType.String ? v.GetString() : null;
                    int? Int(string k) => changed.TryGetValue(k, out var v) && v.Type == VariantValueType.Int32 ? v.GetInt32() : null;
                    return (Iface: iface, State: Str("ActiveState"), Result: Str("Result"), Status: Int("ExecMainStatus"));
                },
                n =>
                {
                    if (!n.HasValue) return;
                    var v = n.Value;
                    if (v.Result is not null) w.Result = v.Result;
                    if (v.Status is not null) w.ExitStatus = v.Status;
                    // A new transient unit first announces itself "inactive", so inactive
                    // counts only after the unit was seen running; "failed" is never initial, and
                    // a unit that ended between two signals is collected (UnitRemoved).
                    if (v.State is "activating" or "active" or "deactivating" or "reloading") w._started = true;
                    else if (v.State == "failed" || (v.State == "inactive" && w._started)) w._ended.TrySetResult(v.State);
                },
                emitOnCapturedContext: false, ObserverFlags.None).ConfigureAwait(false);
            w._removed = await m.Bus.AddMatchAsync(
                new MatchRule
                {
                    Type = MessageType.Signal, Sender = SystemdManager.Service, Path = "/org/freedesktop/systemd1",
                    Interface = "org.freedesktop.systemd1.Manager", Member = "UnitRemoved", Arg0 = unitName,
                },
                static (msg, _) => msg.GetBodyReader().ReadString(),
                n => { if (n.HasValue && n.Value == w.UnitName) w._ended.TrySetResult("removed"); },
                emitOnCapturedContext: false, ObserverFlags.None).ConfigureAwait(false);
            return w;
        }
        catch (DBusConnectionException e)
        {
            w.Dispose();
            throw new SystemdException($"cannot watch {unitName}: the D-Bus connection is gone ({e.Message})", null, e);
        }
    }

    public void Dispose()
    {
        _changed?.Dispose();
        _removed?.Dispose();
    }
}
