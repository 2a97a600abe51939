using OcciAgent.Hypervisor.Qemu;

namespace OcciAgent.Hypervisor.Tests.Qemu;

/// <summary>The QEMU command line is a pure function of the spec: compared with golden files
/// (one argument per line) so any change to it is a visible diff.</summary>
[Trait("Category", "Integration")]
public class QemuArgsTests
{
    private static readonly VmPaths Paths = new("/var/lib/occi/vms/x/qmp.sock", "/var/lib/occi/vms/x/serial.sock", "/var/lib/occi/vms/x/qemu.pid");

    private static VmSpec Minimal => new("6f1c1f2e-6a55-4d3c-9a43-1f0f6b0b7e01", "web", 1, 512, Accelerator.Tcg, Paths, [], []);

    internal static void AssertGolden(string name, IReadOnlyList<string> args)
    {
        var file = Path.Combine(AppContext.BaseDirectory, "Qemu", "golden", name + ".args");
        // OCCI_UPDATE_GOLDEN=DIR rewrites the golden files in DIR (review the diff before committing).
        if (Environment.GetEnvironmentVariable("OCCI_UPDATE_GOLDEN") is { Length: > 0 } dir)
            File.WriteAllLines(Path.Combine(dir, name + ".args"), args);
        var expected = File.ReadAllLines(file);
        Assert.Equal(expected, args);
    }

    [Fact]
    public void Minimal_VmHasNoImplicitDevicesAQmpSocketAndASerialSocket() =>
        AssertGolden("minimal", QemuArgs.Build(Minimal));

    [Fact]
    public void Full_VmWithKernelBootDisksNicsAndFwCfg() =>
        AssertGolden("full", QemuArgs.Build(Minimal with
        {
            Cores = 2,
            MemoryMiB = 1024,
            Accelerator = Accelerator.Kvm,
            Disks = [new VmDisk("vda", "/var/lib/occi/vms/x/root.qcow2"), new VmDisk("vdb", "/var/lib/occi/volumes/data.qcow2", ReadOnly: true)],
            Nics = [new VmNic("if0", "tapabc", "52:54:00:12:34:56")],
            Boot = new DirectBoot("/images/k", "/images/i", "console=ttyS0 root=/dev/vda"),
            FwCfg = [new FwCfgFile("opt/org.ogf.occi/user_data", "/var/lib/occi/vms/x/user_data")],
            StartPaused = true,
            Paths = Paths with { MonitorSocket = "/var/lib/occi/vms/x/monitor.sock" },
        }));

    /// <summary>A title with ',' and '=' stays one value of -name.</summary>
    [Fact]
    public void Title_WithCommaAndEqualsCannotInjectOptions()
    {
        var args = QemuArgs.Build(Minimal with { Name = "web,debug-threads=off,process=evil=1" });
        var name = args[args.ToList().IndexOf("-name") + 1];
        Assert.Equal("guest=web,,debug-threads=off,,process=evil=1,debug-threads=on", name);
    }

    [Fact]
    public void Paths_WithCommasAreEscapedInEveryOption()
    {
        var p = new VmPaths("/s,a/qmp.sock", "/s,a/serial.sock", "/s,a/qemu.pid");
        var args = QemuArgs.Build(Minimal with
        {
            Paths = p,
            Disks = [new VmDisk("vda", "/d,file.driver=raw/root.qcow2")],
            FwCfg = [new FwCfgFile("opt/org.ogf.occi/user_data", "/s,a/user_data")],
        });
        Assert.Contains("socket,id=qmp,path=/s,,a/qmp.sock,server=on,wait=off", args);
        Assert.Contains("driver=qcow2,node-name=disk-vda,read-only=off,file.driver=file,file.filename=/d,,file.driver=raw/root.qcow2", args);
        Assert.Contains("name=opt/org.ogf.occi/user_data,file=/s,,a/user_data", args);
    }

    [Theory]
    [InlineData("vd")]
    [InlineData("sda")]
    [InlineData("vdb,id=x")]
    public void Bad_DeviceIdsAreRefused(string deviceId) =>
        Assert.Throws<ArgumentException>(() => QemuArgs.Build(Minimal with { Disks = [new VmDisk(deviceId, "/x.qcow2")] }));

    [Theory]
    [InlineData("tap0,script=/bin/evil", "52:54:00:12:34:56")]
    [InlineData("averyveryverylongtapname", "52:54:00:12:34:56")]
    [InlineData("tap0", "52:54:00:12:34:56,romfile=/x")]
    public void Bad_NicValuesAreRefused(string tap, string mac) =>
        Assert.Throws<ArgumentException>(() => QemuArgs.Build(Minimal with { Nics = [new VmNic("if0", tap, mac)] }));

    [Fact]
    public void Line_BreaksInAKernelCommandLineAreRefused() =>
        Assert.Throws<ArgumentException>(() => QemuArgs.Build(Minimal with { Boot = new DirectBoot("/k", null, "a\nb") }));

    [Fact]
    public void Name_WithNulIsRefused() =>
        Assert.Throws<ArgumentException>(() => QemuArgs.Build(Minimal with { Name = "a\0b" }));

    [Theory]
    [InlineData(0, 512)]
    [InlineData(1, 8)]
    public void Impossible_ResourcesAreRefused(int cores, int mib) =>
        Assert.Throws<ArgumentException>(() => QemuArgs.Build(Minimal with { Cores = cores, MemoryMiB = mib }));

    /// <summary>The option strings are accepted by the real QEMU parser: QEMU starts paused with
    /// them (no guest runs) and quits. A mis-escaped value would make it exit with an error.</summary>
    [Fact]
    public async Task Real_QemuAcceptsTheGeneratedArguments()
    {
        var qemu = HostProbe.FindExecutable("qemu-system-x86_64");
        Assert.True(qemu is not null, "qemu-system-x86_64 is required (scripts/deps installs qemu-system-x86)");
        using var dir = new Volumes.TempDirectory();
        var weird = Path.Combine(dir.Path, "a,b=c");
        Directory.CreateDirectory(weird);
        var disk = Path.Combine(weird, "root,file.driver=raw.qcow2");
        Volumes.QemuImgProbe.Run("create", "-f", "qcow2", disk, "16M");
        var spec = new VmSpec("t1", "title, with=commas", 1, 64, Accelerator.Tcg,
            new VmPaths(Path.Combine(weird, "q.sock"), Path.Combine(weird, "s.sock"), Path.Combine(weird, "q.pid")),
            [new VmDisk("vda", disk)], [], StartPaused: true);
        var start = new System.Diagnostics.ProcessStartInfo(qemu!) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in QemuArgs.Build(spec)) start.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(start)!;
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (!File.Exists(spec.Paths.QmpSocket) && !p.HasExited && DateTime.UtcNow < deadline) await Task.Delay(20);
            if (p.HasExited) Assert.Fail("QEMU exited: " + await p.StandardError.ReadToEndAsync());
            Assert.True(File.Exists(spec.Paths.QmpSocket), "no QMP socket at the escaped path");
            Assert.Contains("guest=title, with=commas", File.ReadAllText($"/proc/{p.Id}/cmdline").Replace(",,", ",").Replace('\0', ' '));
        }
        finally
        {
            if (!p.HasExited) p.Kill();
            await p.WaitForExitAsync();
        }
    }
}
