using Microsoft.Extensions.Logging;
using OcciAgent.Net.Dhcp;
using Tmds.DBus.Protocol;

namespace OcciAgent.Net.DBus;

/// <summary>The bus the lease signals travel on, and why it was chosen.</summary>
internal sealed record BusChoice(string Address, string Description, PrivateBus? Private);

/// <summary>Picks the bus for <see cref="DhcpOptions.Bus"/>. <c>auto</c> takes the system bus
/// only when its socket answers AND its policy lets us own a name under our prefix (Debian's
/// dnsmasq policy covers only dnsmasq's default name; packaging/dbus/occi-agent-dnsmasq.conf
/// adds ours); otherwise it starts a private bus. <c>system</c>, <c>private</c> and an explicit
/// address force the choice, and a forced bus that does not work is an error.</summary>
internal static class BusSelector
{
    private const string DefaultSystemAddress = "unix:path=/var/run/dbus/system_bus_socket";
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(2);

    public static async Task<BusChoice> ChooseAsync(DhcpOptions options, ILogger log, CancellationToken ct)
    {
        var choice = await ChooseBusAsync(options, log, ct).ConfigureAwait(false);
        // A private bus left by an earlier agent process that used one is of no use now.
        if (choice.Private is null)
            await new PrivateBus(options, log).StopLeftoverAsync(ct).ConfigureAwait(false);
        return choice;
    }

    private static async Task<BusChoice> ChooseBusAsync(DhcpOptions options, ILogger log, CancellationToken ct)
    {
        var bus = options.Bus?.Trim() ?? "";
        switch (bus)
        {
            case "private":
                return await StartPrivateAsync(options, log, "forced by configuration (bus = private)", ct).ConfigureAwait(false);
            case "system":
            {
                var address = SystemAddress();
                var problem = await ProbeAsync(address, ct).ConfigureAwait(false);
                if (problem is not null)
                    throw new InvalidOperationException($"DHCP bus 'system' ({address}) is unusable: {problem}");
                return new BusChoice(address, $"system bus {address}: forced by configuration, admits {DhcpBusName.Prefix}.*", null);
            }
            case "auto" or "":
            {
                var address = SystemAddress();
                var problem = await ProbeAsync(address, ct).ConfigureAwait(false);
                if (problem is null)
                    return new BusChoice(address, $"system bus {address}: it answers and admits {DhcpBusName.Prefix}.*", null);
                return await StartPrivateAsync(options, log, $"system bus {address} unusable: {problem}", ct).ConfigureAwait(false);
            }
            default:
            {
                if (!bus.Contains(':', StringComparison.Ordinal))
                    throw new ArgumentException(
                        $"DHCP bus '{bus}' must be auto, system, private or a D-Bus address such as unix:path=/run/occi/bus.sock");
                var problem = await ProbeAsync(bus, ct).ConfigureAwait(false);
                if (problem is not null)
                    throw new InvalidOperationException($"DHCP bus {bus} is unusable: {problem}");
                return new BusChoice(bus, $"bus {bus}: configured explicitly, admits {DhcpBusName.Prefix}.*", null);
            }
        }
    }

    private static string SystemAddress() => DBusAddress.System ?? DefaultSystemAddress;

    private static async Task<BusChoice> StartPrivateAsync(DhcpOptions options, ILogger log, string why, CancellationToken ct)
    {
        var bus = new PrivateBus(options, log);
        await bus.StartAsync(ct).ConfigureAwait(false);
        return new BusChoice(bus.Address, $"private bus {bus.Address} (dbus-daemon pid {bus.Pid}): {why}", bus);
    }

    /// <summary>Null when the bus answers and lets this process own (and release) a probe name
    /// under our prefix; otherwise what went wrong. dnsmasq connects as root before it drops
    /// privileges, so the agent (root) owning the probe name means dnsmasq may own its name.</summary>
    private static async Task<string?> ProbeAsync(string address, CancellationToken ct)
    {
        using var c = new DBusConnection(address);
        try
        {
            await c.ConnectAsync().AsTask().WaitAsync(ConnectTimeout, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return $"cannot connect ({e.Message})";
        }
        try
        {
            await c.RequestNameAsync(DhcpBusName.Probe, RequestNameOptions.Default).WaitAsync(ConnectTimeout, ct).ConfigureAwait(false);
            await c.ReleaseNameAsync(DhcpBusName.Probe).WaitAsync(ConnectTimeout, ct).ConfigureAwait(false);
            return null;
        }
        catch (DBusErrorReplyException e)
        {
            return $"may not own {DhcpBusName.Probe} ({e.ErrorName}: {e.Message}); install packaging/dbus/occi-agent-dnsmasq.conf into /usr/share/dbus-1/system.d/";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return $"name request failed ({e.Message})";
        }
    }
}
