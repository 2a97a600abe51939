using OcciAgent.Hypervisor.Qemu;

namespace OcciAgent.Hypervisor.Tests.Qemu;

[Trait("Category", "Integration")]
public class HostProbeTests
{
    private const string Vmx = "processor\t: 0\nflags\t\t: fpu vme de pse vmx sse2\n\nprocessor\t: 1\n";
    private const string NoVirt = "processor\t: 0\nflags\t\t: fpu vme de pse sse2 hypervisor\n";

    [Fact]
    public void Kvm_OnlyWithCpuFlagHardwareModuleAndDevice() =>
        Assert.Equal(Accelerator.Kvm, HostProbe.ChooseAccelerator("auto", Vmx, true, ["kvm", "kvm_intel"]).Accelerator);

    [Fact]
    public void No_VmxOrSvmMeansTcg()
    {
        var (accel, reason) = HostProbe.ChooseAccelerator("auto", NoVirt, true, ["kvm", "kvm_intel"]);
        Assert.Equal(Accelerator.Tcg, accel);
        Assert.Contains("neither vmx nor svm", reason);
    }

    /// <summary>docs/host-notes.md: the paravirtual kvm_pvm opens /dev/kvm but cannot boot a guest.</summary>
    [Fact]
    public void Paravirtual_KvmModuleMeansTcg()
    {
        var (accel, reason) = HostProbe.ChooseAccelerator("auto", Vmx, true, ["kvm", "kvm_pvm"]);
        Assert.Equal(Accelerator.Tcg, accel);
        Assert.Contains("kvm_pvm", reason);
    }

    [Fact]
    public void Missing_DeviceOrModuleMeansTcg()
    {
        Assert.Equal(Accelerator.Tcg, HostProbe.ChooseAccelerator("auto", Vmx, false, ["kvm", "kvm_intel"]).Accelerator);
        Assert.Equal(Accelerator.Tcg, HostProbe.ChooseAccelerator("auto", Vmx, true, ["kvm"]).Accelerator);
    }

    [Fact]
    public void Configuration_ForcesEither()
    {
        Assert.Equal(Accelerator.Tcg, HostProbe.ChooseAccelerator("tcg", Vmx, true, ["kvm_intel"]).Accelerator);
        var (accel, reason) = HostProbe.ChooseAccelerator("kvm", NoVirt, false, []);
        Assert.Equal(Accelerator.Kvm, accel);
        Assert.Contains("/dev/kvm does not exist", reason);
        Assert.Throws<ArgumentException>(() => HostProbe.ChooseAccelerator("xen", Vmx, true, []));
    }

    [Fact]
    public void Version_IsReadFromTheFirstLine() =>
        Assert.Equal("7.2.19", HostProbe.ParseVersion("QEMU emulator version 7.2.19 (Debian 1:7.2+dfsg-7+deb12u18)\nCopyright (c) 2003-2022"));

    /// <summary>On this host (no vmx/svm, or kvm_pvm) the real probe must pick TCG and find QEMU.</summary>
    [Fact]
    public async Task Real_ProbeFindsQemuAndExplainsTheAccelerator()
    {
        var host = await HostProbe.ProbeAsync("qemu-system-x86_64", "auto", CancellationToken.None);
        Assert.True(host.CanRunVms, host.Problem);
        Assert.Matches(@"^\d+\.\d+", host.QemuVersion);
        Assert.False(string.IsNullOrEmpty(host.AcceleratorReason));
        var flags = HostProbe.CpuFlags(await File.ReadAllTextAsync("/proc/cpuinfo"));
        if (!flags.Contains("vmx") && !flags.Contains("svm")) Assert.Equal(Accelerator.Tcg, host.Accelerator);
    }

    [Fact]
    public async Task Missing_QemuNamesThePackage()
    {
        var host = await HostProbe.ProbeAsync("/nonexistent/qemu-system-x86_64", "auto", CancellationToken.None);
        Assert.False(host.CanRunVms);
        Assert.Contains("qemu-system-x86", host.Problem);
    }
}
