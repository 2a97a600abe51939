using System.Text.Json;

namespace OcciAgent.Hypervisor.Qemu.Qmp;

/// <summary>An asynchronous QMP event, <c>{"event":NAME,"data":{..},"timestamp":{"seconds":S,"microseconds":U}}</c>.
/// <paramref name="Data"/> is a standalone (cloned) element that stays valid after the connection closes;
/// it is an empty object for events that carry no data (STOP, RESUME, ...).
/// <paramref name="Timestamp"/> is QEMU's host wall-clock time of the event, in UTC.</summary>
public sealed record QmpEvent(string Name, JsonElement Data, DateTimeOffset Timestamp);
