using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace OcciAgent.Systemd;

/// <summary>The sd_notify datagram protocol (systemd's NOTIFY_SOCKET): one datagram of
/// newline-separated <c>KEY=VALUE</c> lines per state change. Reads the variables once and
/// removes them from the environment, so QEMU, dnsmasq and every other child do not inherit
/// them (a child's READY=1 or WATCHDOG=1 would be taken for the agent's).</summary>
public sealed class SdNotifier : IDisposable
{
    public const string SocketVariable = "NOTIFY_SOCKET";
    public const string WatchdogUsecVariable = "WATCHDOG_USEC";
    public const string WatchdogPidVariable = "WATCHDOG_PID";

    private readonly Socket? _socket;
    private readonly UnixDomainSocketEndPoint? _target;

    private SdNotifier(string? socketPath, TimeSpan? watchdogInterval)
    {
        SocketPath = socketPath;
        WatchdogInterval = watchdogInterval;
        if (socketPath is null) return;
        _target = new UnixDomainSocketEndPoint(socketPath[0] == '@' ? "\0" + socketPath[1..] : socketPath);
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    }

    /// <summary>Where notifications go; null when not started by systemd with Type=notify.</summary>
    public string? SocketPath { get; }

    /// <summary>systemd's WatchdogSec for this process (null: no watchdog). Pings go at half of it.</summary>
    public TimeSpan? WatchdogInterval { get; }

    public bool Enabled => _socket is not null;

    /// <summary>Takes NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID from the environment and
    /// unsets them. A WATCHDOG_PID naming another process means the watchdog is not ours.</summary>
    public static SdNotifier FromEnvironment()
    {
        var socket = Environment.GetEnvironmentVariable(SocketVariable);
        var usec = Environment.GetEnvironmentVariable(WatchdogUsecVariable);
        var pid = Environment.GetEnvironmentVariable(WatchdogPidVariable);
        foreach (var v in new[] { SocketVariable, WatchdogUsecVariable, WatchdogPidVariable })
            Environment.SetEnvironmentVariable(v, null);
        return Create(socket, usec, pid, Environment.ProcessId);
    }

    /// <summary>The parsing half of <see cref="FromEnvironment"/>: only absolute paths and
    /// abstract names ('@') are sockets systemd hands out; anything else is ignored.</summary>
    public static SdNotifier Create(string? socket, string? watchdogUsec, string? watchdogPid, int ownPid)
    {
        if (string.IsNullOrEmpty(socket) || socket is not ['/' or '@', _, ..]) return new SdNotifier(null, null);
        TimeSpan? interval = null;
        if (ulong.TryParse(watchdogUsec, NumberStyles.None, CultureInfo.InvariantCulture, out var us) && us > 0
            && (string.IsNullOrEmpty(watchdogPid) || watchdogPid == ownPid.ToString(CultureInfo.InvariantCulture)))
            interval = TimeSpan.FromMicroseconds(us);
        return new SdNotifier(socket, interval);
    }

    /// <summary>Sends one notification; false when disabled or when systemd is not listening
    /// (a notification is advisory: the agent keeps serving either way).</summary>
    public bool Notify(string state)
    {
        if (_socket is null) return false;
        try
        {
            _socket.SendTo(Encoding.UTF8.GetBytes(state), SocketFlags.None, _target!);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public bool Ready(string status) => Notify($"READY=1\nSTATUS={OneLine(status)}");

    public bool Stopping(string status) => Notify($"STOPPING=1\nSTATUS={OneLine(status)}");

    public bool WatchdogPing() => Notify("WATCHDOG=1");

    private static string OneLine(string s) => s.Replace('\n', ' ');

    public void Dispose() => _socket?.Dispose();
}
