namespace OcciAgent.Net.Dhcp;

/// <summary>How <see cref="DnsmasqDhcpServer"/> runs its dnsmasq instances and finds its bus.</summary>
/// <param name="RunDir">Directory the server owns: per-scope pid, lease and hosts files, and the
/// private bus's config, socket and pid file. Nothing else in it is ever touched.</param>
/// <param name="Dnsmasq">dnsmasq binary (built with D-Bus support, as Debian's dnsmasq-base is).</param>
/// <param name="Bus"><c>auto</c> (system bus if it lets us own our names, else private),
/// <c>system</c>, <c>private</c>, or an explicit D-Bus address such as <c>unix:path=/run/x.sock</c>.</param>
/// <param name="DbusDaemon">dbus-daemon binary for the private bus.</param>
public sealed record DhcpOptions(
    string RunDir,
    string Dnsmasq = "dnsmasq",
    string Bus = "auto",
    string DbusDaemon = "dbus-daemon")
{
    /// <summary>User dnsmasq drops to after start-up (<c>--user</c>). It connects to the bus
    /// before dropping, as root, but re-reads the hosts file on SIGHUP as this user, so
    /// <see cref="RunDir"/> and its parents must be traversable by it.</summary>
    public string User { get; init; } = "dnsmasq";

    /// <summary>Lease time handed to clients.</summary>
    public TimeSpan LeaseTime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>dnsmasq pings an address before first offering it and answers only after ~3 s
    /// (measured: a fresh client's first lease takes 3.1 s instead of 0.1 s). Off skips that
    /// guard against hosts that configured the address themselves (<c>--no-ping</c>).</summary>
    public bool PingCheck { get; init; } = true;

    /// <summary>How long a starting dnsmasq may take to own its bus name.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>SIGTERM grace before SIGKILL when stopping a child.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>First restart delay after an unexpected exit; doubles up to <see cref="RestartDelayMax"/>.</summary>
    public TimeSpan RestartDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan RestartDelayMax { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Consecutive failed restarts after which supervision gives up (logged as an
    /// error); the next <see cref="IDhcpServer.EnsureAsync"/> tries again.</summary>
    public int MaxRestarts { get; init; } = 10;
}
