using System.Text.Json;

namespace OcciAgent.Hypervisor.Qemu.Qmp;

/// <summary>An asynchronous QMP event, <c>{"event":NAME,"data":{..},"timestamp":{"seconds":S,"microseconds":U}}</c>.
/// <paramref name="Data"/> is a standalone (cloned) element that stays valid after the connection closes;
/// it is an empty object for events that carry no data (STOP, RESUME, ...).
/// <paramref name="Timestamp"/> is QEMU's host wall-clock time of the event, in UTC.</summary>
public sealed record QmpEvent(string Name, JsonElement Data, DateTimeOffset Timestamp);

/// <summary>The result of <c>query-status</c>: <paramref name="Status"/> is QEMU's RunState
/// ("running", "paused", "prelaunch", "shutdown", "inmigrate", "postmigrate", "guest-panicked",
/// "internal-error", "io-error", "suspended", "watchdog", ...), <paramref name="Running"/> whether vCPUs run.</summary>
public readonly record struct QmpStatus(string Status, bool Running);
