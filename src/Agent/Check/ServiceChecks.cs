using OcciAgent.Config;
using OcciAgent.Hypervisor.Systemd;

namespace OcciAgent.Check;

/// <summary>The service manager and its bus: the packaged unit needs systemd as PID 1, and VMs
/// as systemd units need the systemd manager on the configured bus (<c>systemdBus</c>, else the
/// system bus). The agent itself runs without either, so these only warn.</summary>
internal static class ServiceChecks
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    public static async Task<IReadOnlyList<Finding>> RunAsync(AgentOptions o, CancellationToken ct)
    {
        var found = new List<Finding>();
        var pid1 = File.Exists("/proc/1/comm") ? File.ReadAllText("/proc/1/comm").Trim() : "?";
        found.Add(SystemdManager.IsBooted
            ? Finding.Ok("systemd", "PID 1 is systemd (the packaged unit, Type=notify, can run)")
            : Finding.Warn("systemd", $"PID 1 is {pid1}, not systemd: run occi-agent under another supervisor; VMs as systemd units are unavailable"));
        found.Add(await BusAsync(o, ct).ConfigureAwait(false));
        return found;
    }

    /// <summary>The agent's own connect (<see cref="SystemdManager.ConnectAsync"/>), so the check
    /// says what the launcher choice will find.</summary>
    private static async Task<Finding> BusAsync(AgentOptions o, CancellationToken ct)
    {
        try
        {
            await using var m = await SystemdManager.ConnectAsync(o.SystemdBus, ConnectTimeout, ct).ConfigureAwait(false);
            return Finding.Ok("D-Bus", $"systemd {m.Version} answers on {m.Address}");
        }
        catch (SystemdException e)
        {
            return Finding.Warn("D-Bus", $"{e.Message}: VMs as systemd units are unavailable (install and start dbus, or set systemdBus)");
        }
    }
}
