using OcciAgent.Config;
using OcciAgent.Hypervisor.Qemu;
using OcciAgent.Hypervisor.Volumes;

namespace OcciAgent.Check;

/// <summary>What a VM needs: QEMU, qemu-img, and an accelerator that QEMU offers and this user
/// can open. The accelerator decision is the agent's own (<see cref="HostProbe"/>).</summary>
internal static class QemuChecks
{
    public static async Task<IReadOnlyList<Finding>> RunAsync(AgentOptions o, CancellationToken ct)
    {
        var found = new List<Finding>();
        var q = await HostProbe.ProbeAsync(o.Qemu, o.Accelerator, ct).ConfigureAwait(false);
        found.Add(q.CanRunVms
            ? Finding.Ok("qemu", $"{q.QemuPath} version {q.QemuVersion}")
            : Finding.Fail("qemu", q.Problem!));
        found.Add(await QemuImgAsync(o.QemuImg, ct).ConfigureAwait(false));
        var kvm = Probes.TryOpenReadWrite("/dev/kvm");
        found.Add(await AcceleratorAsync(q, kvm, ct).ConfigureAwait(false));
        found.Add(DevKvm(q.Accelerator, kvm));
        return found;
    }

    /// <summary>The agent's own <see cref="QemuImg.VersionAsync"/>, so check and agent agree.</summary>
    private static async Task<Finding> QemuImgAsync(string qemuImg, CancellationToken ct)
    {
        var path = HostProbe.FindExecutable(qemuImg);
        if (path is null)
            return Finding.Fail("qemu-img", $"{qemuImg} was not found (install the Debian package qemu-utils, or set 'qemuImg' in the config)");
        try
        {
            var version = await new QemuImg(path).VersionAsync(ct).ConfigureAwait(false);
            return Finding.Ok("qemu-img", $"{path} version {version}");
        }
        catch (VolumeException e)
        {
            return Finding.Fail("qemu-img", $"{path} --version failed: {e.Message}");
        }
    }

    /// <summary>The agent's choice, confirmed against QEMU's own list (<c>-accel help</c>) and,
    /// for KVM, against /dev/kvm.</summary>
    private static async Task<Finding> AcceleratorAsync(QemuHost q, string? kvmProblem, CancellationToken ct)
    {
        var name = q.Accelerator.ToString().ToLowerInvariant();
        if (q.QemuPath is null) return Finding.Fail("accelerator", $"{name} would be chosen ({q.AcceleratorReason}), but there is no QEMU to run it");
        var r = await Probes.RunAsync(q.QemuPath, ["-accel", "help"], ct).ConfigureAwait(false);
        var offered = r is { ExitCode: 0 }
            ? r.StandardOutput.Split('\n', StringSplitOptions.TrimEntries).Skip(1).Where(l => l.Length > 0).ToHashSet()
            : [];
        if (!offered.Contains(name))
            return Finding.Fail("accelerator", $"{name} ({q.AcceleratorReason}), but {q.QemuPath} does not offer it (offers: {string.Join(", ", offered.Order())})");
        if (q.Accelerator == Accelerator.Kvm && kvmProblem is { } why)
            return Finding.Fail("accelerator", $"kvm ({q.AcceleratorReason}), but {why}");
        return Finding.Ok("accelerator", $"{name} ({q.AcceleratorReason})");
    }

    /// <param name="why">Why /dev/kvm cannot be opened read-write, or null when it can.</param>
    private static Finding DevKvm(Accelerator chosen, string? why)
    {
        if (why is null) return Finding.Ok("/dev/kvm", chosen == Accelerator.Kvm ? "opens read-write" : "opens read-write (not used: see accelerator)");
        // Under TCG VMs still run, only slower; with KVM chosen the accelerator line already failed.
        return Finding.Warn("/dev/kvm", $"{why}: VMs run under TCG (software emulation, slow)");
    }
}
