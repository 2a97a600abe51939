using System.Text.RegularExpressions;
using CliWrap;
using CliWrap.Buffered;

namespace OcciAgent.Hypervisor.Qemu;

/// <summary>What this host offers for running VMs, found once at start.</summary>
/// <param name="QemuPath">Absolute path of qemu-system-x86_64, or null when not found.</param>
/// <param name="Problem">Why VMs cannot run here (null when they can), naming what to install.</param>
public sealed record QemuHost(string? QemuPath, string? QemuVersion, Accelerator Accelerator, string AcceleratorReason, string? Problem)
{
    public bool CanRunVms => Problem is null;
}

/// <summary>Finds QEMU and chooses the accelerator. KVM only where the CPU
/// really virtualises: <c>vmx</c>/<c>svm</c> in /proc/cpuinfo and a hardware KVM module
/// (kvm_intel/kvm_amd) loaded. A paravirtual KVM (kvm_pvm) opens /dev/kvm and then cannot boot
/// a real guest (docs/host-notes.md, QEMU), so it counts as no KVM.</summary>
public static partial class HostProbe
{
    public const string QemuPackage = "qemu-system-x86";

    /// <param name="setting"><c>auto</c>, <c>kvm</c> or <c>tcg</c> (config <c>accelerator</c>).</param>
    public static (Accelerator Accelerator, string Reason) ChooseAccelerator(
        string setting, string cpuinfo, bool devKvmExists, IReadOnlyCollection<string> loadedModules)
    {
        switch (setting.ToLowerInvariant())
        {
            case "tcg": return (Accelerator.Tcg, "forced by configuration (accelerator=tcg)");
            case "kvm":
                return (Accelerator.Kvm, devKvmExists
                    ? "forced by configuration (accelerator=kvm)"
                    : "forced by configuration (accelerator=kvm), but /dev/kvm does not exist: VMs will fail to start");
            case "auto": break;
            default: throw new ArgumentException($"accelerator must be auto, kvm or tcg, not '{setting}'", nameof(setting));
        }
        var flags = CpuFlags(cpuinfo);
        var hw = flags.Contains("vmx") ? "vmx" : flags.Contains("svm") ? "svm" : null;
        if (hw is null) return (Accelerator.Tcg, "the CPU flags show neither vmx nor svm: software emulation (TCG)");
        if (loadedModules.Contains("kvm_pvm"))
            return (Accelerator.Tcg, $"the CPU shows {hw} but KVM here is the paravirtual kvm_pvm module, which cannot run full guests: TCG");
        if (!loadedModules.Contains("kvm_intel") && !loadedModules.Contains("kvm_amd"))
            return (Accelerator.Tcg, $"the CPU shows {hw} but no hardware KVM module (kvm_intel/kvm_amd) is loaded: TCG");
        if (!devKvmExists) return (Accelerator.Tcg, $"the CPU shows {hw} but /dev/kvm does not exist: TCG");
        return (Accelerator.Kvm, $"the CPU shows {hw} and a hardware KVM module is loaded: KVM");
    }

    /// <summary>The flags of the first CPU in /proc/cpuinfo.</summary>
    public static IReadOnlySet<string> CpuFlags(string cpuinfo)
    {
        foreach (var line in cpuinfo.Split('\n'))
        {
            var colon = line.IndexOf(':');
            if (colon > 0 && line[..colon].Trim() == "flags")
                return line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        }
        return new HashSet<string>();
    }

    /// <summary>"QEMU emulator version 7.2.19 (Debian ...)" → "7.2.19".</summary>
    public static string? ParseVersion(string versionOutput) =>
        VersionLine().Match(versionOutput) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>A command name is looked up on PATH; a path is used as given.</summary>
    public static string? FindExecutable(string nameOrPath)
    {
        if (nameOrPath.Contains('/')) return File.Exists(nameOrPath) ? Path.GetFullPath(nameOrPath) : null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin").Split(':'))
        {
            if (dir.Length == 0) continue;
            var candidate = Path.Combine(dir, nameOrPath);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    public static async Task<QemuHost> ProbeAsync(string qemu, string acceleratorSetting, CancellationToken ct)
    {
        var cpuinfo = File.Exists("/proc/cpuinfo") ? await File.ReadAllTextAsync("/proc/cpuinfo", ct).ConfigureAwait(false) : "";
        var modules = Directory.Exists("/sys/module")
            ? Directory.EnumerateDirectories("/sys/module").Select(Path.GetFileName).OfType<string>().ToHashSet(StringComparer.Ordinal)
            : [];
        var (accel, reason) = ChooseAccelerator(acceleratorSetting, cpuinfo, File.Exists("/dev/kvm"), modules);
        var path = FindExecutable(qemu);
        if (path is null)
            return new QemuHost(null, null, accel, reason,
                $"{qemu} was not found (install the Debian package {QemuPackage}, or set 'qemu' in the config)");
        try
        {
            var r = await Cli.Wrap(path).WithArguments(["--version"]).WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(ct).ConfigureAwait(false);
            var version = ParseVersion(r.StandardOutput);
            if (r.ExitCode != 0 || version is null)
                return new QemuHost(path, null, accel, reason, $"{path} --version failed (exit {r.ExitCode}): {r.StandardError.Trim()}");
            return new QemuHost(path, version, accel, reason, null);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or UnauthorizedAccessException)
        {
            return new QemuHost(path, null, accel, reason, $"{path} cannot be run: {e.Message}");
        }
    }

    [GeneratedRegex(@"QEMU emulator version (\d+\.\d+(?:\.\d+)?)")] private static partial Regex VersionLine();
}
