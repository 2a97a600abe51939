using OcciAgent.Config.Settings;
using OcciAgent.Config;
using OcciAgent.Hypervisor.Systemd;
using OcciAgent.Hypervisor.Vm;

namespace OcciAgent.Vms;

/// <summary>Which launcher starts VMs here, decided once at start and logged
/// with its reason. <c>auto</c> takes systemd where it is the service manager (sd_booted:
/// /run/systemd/system exists) or a bus was configured explicitly, and only if the manager
/// answers on that bus; otherwise QEMU daemonizes itself.</summary>
public static class LauncherSelection
{
    /// <summary>The choice: a launcher and why, or no launcher and the problem (an explicit
    /// <c>systemd</c> that cannot be reached refuses VM starts rather than silently falling back).</summary>
    public sealed record Choice(IVmLauncher? Launcher, string Reason, string? Problem = null);

    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    public static async Task<Choice> ChooseAsync(AgentOptions o, string qemuPath, TimeSpan readyTimeout, CancellationToken ct)
    {
        var daemon = new DaemonLauncher(qemuPath);
        if (o.Systemd.VmLauncher == LauncherMode.Daemon) return new(daemon, "forced by configuration (vmLauncher=daemon): QEMU daemonizes itself");
        var explicitBus = !string.IsNullOrEmpty(o.SystemdBus);
        var booted = SystemdManager.IsBooted;
        if (o.Systemd.VmLauncher == LauncherMode.Auto && !booted && !explicitBus)
            return new(daemon, $"systemd is not the service manager here (no {SystemdManager.BootedMarker}) and no systemdBus is set: QEMU daemonizes itself");
        var why = o.Systemd.VmLauncher == LauncherMode.Systemd ? "forced by configuration (vmLauncher=systemd)"
            : explicitBus ? "systemdBus is set" : $"systemd is the service manager ({SystemdManager.BootedMarker} exists)";
        try
        {
            var m = await SystemdManager.ConnectAsync(o.SystemdBus, ConnectTimeout, ct);
            return new(new SystemdLauncher(m, qemuPath, o.VmSlice, readyTimeout),
                $"{why}; systemd {m.Version} answers on {m.Address}: VMs run as transient units {UnitNames.Prefix}<id>.service in {o.VmSlice}");
        }
        catch (SystemdException e)
        {
            return o.Systemd.VmLauncher == LauncherMode.Systemd
                ? new(null, $"{why}, but {e.Message}", $"vmLauncher is systemd but {e.Message}")
                : new(daemon, $"{why}, but {e.Message}: QEMU daemonizes itself");
        }
    }
}
