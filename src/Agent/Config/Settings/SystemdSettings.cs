namespace OcciAgent.Config.Settings;

/// <summary>How VMs are launched and where systemd answers (README "VM launchers").</summary>
public sealed class SystemdSettings
{
    /// <summary><c>auto</c>: systemd transient units where systemd answers, else daemonized QEMU.</summary>
    public LauncherMode VmLauncher { get; set; } = LauncherMode.Auto;
    /// <summary>D-Bus address of systemd and machined; null means the system bus.</summary>
    public string? SystemdBus { get; set; }
    /// <summary>The slice VM units run in (systemd launcher).</summary>
    public string VmSlice { get; set; } = "occi-vms.slice";

    internal static readonly SettingKey[] Keys =
        [new("vmLauncher", SettingShape.String), new("systemdBus", SettingShape.String), new("vmSlice", SettingShape.String)];
}
