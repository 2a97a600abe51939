using Tmds.DBus.Protocol;

namespace OcciAgent.Check;

/// <summary>The service manager and the system bus: the packaged unit needs systemd as PID 1,
/// and VMs as systemd units and dnsmasq's lease signals need the system bus. The agent itself
/// runs without either, so these only warn.</summary>
internal static class ServiceChecks
{
    public const string SystemdName = "org.freedesktop.systemd1";

    public static async Task<IReadOnlyList<Finding>> RunAsync(CancellationToken ct)
    {
        var found = new List<Finding>();
        // sd_booted(): systemd creates /run/systemd/system when it is PID 1.
        var pid1 = File.Exists("/proc/1/comm") ? File.ReadAllText("/proc/1/comm").Trim() : "?";
        found.Add(Directory.Exists("/run/systemd/system")
            ? Finding.Ok("systemd", "PID 1 is systemd (the packaged unit, Type=notify, can run)")
            : Finding.Warn("systemd", $"PID 1 is {pid1}, not systemd: run occi-agent under another supervisor; VMs as systemd units are unavailable"));
        found.AddRange(await BusAsync(ct).ConfigureAwait(false));
        return found;
    }

    private static async Task<IReadOnlyList<Finding>> BusAsync(CancellationToken ct)
    {
        var address = DBusAddress.System;
        if (string.IsNullOrEmpty(address))
            return [Finding.Warn("D-Bus", "no system bus address (DBUS_SYSTEM_BUS_ADDRESS unset and no default)")];
        if (address.StartsWith("unix:path=", StringComparison.Ordinal) && address[10..].Split(',')[0] is var socket && !File.Exists(socket))
            return [Finding.Warn("D-Bus", $"no system bus: {socket} does not exist (install and start dbus; VMs as systemd units and DHCP lease events need it)")];
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            using var bus = new DBusConnection(address);
            await bus.ConnectAsync().AsTask().WaitAsync(limit.Token).ConfigureAwait(false);
            var names = await bus.ListServicesAsync().WaitAsync(limit.Token).ConfigureAwait(false);
            var activatable = await bus.ListActivatableServicesAsync().WaitAsync(limit.Token).ConfigureAwait(false);
            return
            [
                Finding.Ok("D-Bus", $"system bus {address} answers ({names.Length} names)"),
                names.Contains(SystemdName) || activatable.Contains(SystemdName)
                    ? Finding.Ok("systemd on D-Bus", $"{SystemdName} is on the system bus")
                    : Finding.Warn("systemd on D-Bus", $"{SystemdName} is not on the system bus: VMs as systemd units are unavailable"),
            ];
        }
        catch (Exception e) when (e is DBusExceptionBase or IOException
                                      or System.Net.Sockets.SocketException or OperationCanceledException or UnauthorizedAccessException)
        {
            var why = e is OperationCanceledException ? "no answer within 5 s" : e.Message;
            return [Finding.Warn("D-Bus", $"system bus {address} unreachable ({why}): install and start dbus; VMs as systemd units and DHCP lease events need it")];
        }
    }
}
