namespace OcciAgent.Config.Settings;

/// <summary><c>accelerator</c>: <c>auto</c> (KVM only where the CPU really has it), <c>kvm</c> or <c>tcg</c>.</summary>
public enum AcceleratorMode { Auto, Kvm, Tcg }

/// <summary><c>vmLauncher</c>: <c>auto</c>, <c>systemd</c> (transient units) or <c>daemon</c> (QEMU daemonizes).</summary>
public enum LauncherMode { Auto, Systemd, Daemon }

/// <summary><c>auth</c>: <c>tokens</c> or <c>none</c>.</summary>
public enum AuthMode { Tokens, None }

/// <summary>What <c>dhcpBus</c> names: a word, or (<see cref="Address"/>) a D-Bus address.</summary>
public enum DhcpBusKind { Auto, System, Private, Address }

/// <summary>Setting values of enum type: written in lower case in config files, the environment
/// and messages; read case-insensitively; a number is never a value (Enum.TryParse would take "1").</summary>
public static class SettingEnum
{
    public static bool TryParse<T>(string? value, out T result) where T : struct, Enum
    {
        result = default;
        return !string.IsNullOrEmpty(value) && char.IsAsciiLetter(value[0]) && !value.Contains(',')
            && Enum.TryParse(value, ignoreCase: true, out result) && Enum.IsDefined(result);
    }

    public static string Name<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    /// <summary>"vmLauncher 'libvirt' must be auto, systemd or daemon".</summary>
    public static string Problem<T>(string key, string? value) where T : struct, Enum
    {
        var names = Enum.GetValues<T>().Select(Name).ToList();
        return $"{key} '{value}' must be {string.Join(", ", names[..^1])} or {names[^1]}";
    }
}
