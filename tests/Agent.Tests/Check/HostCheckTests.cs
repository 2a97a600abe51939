using System.Diagnostics;
using OcciAgent.Check;
using OcciAgent.Config;
using OcciAgent.Store;
using OcciAgent.Tests.Daemon;

namespace OcciAgent.Tests.Check;

/// <summary><c>occi-agent check</c> on this real host (QEMU installed, TCG here).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[Trait("Category", "Integration")]
public sealed class HostCheckTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "occi-check-" + Guid.NewGuid().ToString("N")[..12]);

    public HostCheckTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        File.SetUnixFileMode(_dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.Delete(_dir, recursive: true);
    }

    private static async Task<(int Exit, string[] Lines)> CheckAsync(AgentOptions o)
    {
        var w = new StringWriter();
        var exit = await HostCheck.RunAsync(o, null, w, CancellationToken.None);
        return (exit, w.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task This_HostCanRunVms()
    {
        var (exit, lines) = await CheckAsync(new AgentOptions { StateDir = _dir });
        Assert.True(exit == 0, string.Join("\n", lines));
        var cpu = File.ReadAllText("/proc/cpuinfo");
        // No vmx/svm here (docs/host-notes.md): the agent's own decision says TCG, and QEMU offers it.
        if (!cpu.Contains(" vmx") && !cpu.Contains(" svm"))
            Assert.Contains(lines, l => l.StartsWith("ok   accelerator: tcg (the CPU flags show neither vmx nor svm"));
        Assert.Contains(lines, l => l.StartsWith("ok   qemu: ") && l.Contains(" version "));
        Assert.Contains(lines, l => l.StartsWith("ok   qemu-img: ") && l.Contains(" version "));
        Assert.Contains(lines, l => l.StartsWith("ok   state dir: ") && l.Contains("is writable"));
        Assert.Contains(lines, l => l.StartsWith("ok   state lock: free"));
        foreach (var what in new[] { "/dev/kvm", "/dev/net/tun", "CAP_NET_ADMIN", "ip", "bridges and taps", "dnsmasq", "systemd", "D-Bus" })
            Assert.Contains(lines, l => l.Length > 5 && l[5..].StartsWith(what + ": "));
        Assert.Equal("result: VMs can run here", lines[^1][..24]);
        Assert.Empty(Directory.GetFileSystemEntries(_dir)); // the scratch file is gone
    }

    [Fact]
    public async Task A_MissingQemuFailsNamingThePath()
    {
        var (exit, lines) = await CheckAsync(new AgentOptions { StateDir = _dir, Qemu = "/nonexistent/qemu-system-x86_64" });
        Assert.Equal(1, exit);
        Assert.Contains(lines, l => l.StartsWith("FAIL qemu: /nonexistent/qemu-system-x86_64 was not found (install the Debian package qemu-system-x86"));
        Assert.Contains(lines, l => l.StartsWith("FAIL accelerator: "));
        Assert.StartsWith("result: VMs cannot run here: qemu; accelerator", lines[^1]);
    }

    [Fact]
    public async Task A_MissingQemuImgFails()
    {
        var (exit, lines) = await CheckAsync(new AgentOptions { StateDir = _dir, QemuImg = "/nonexistent/qemu-img" });
        Assert.Equal(1, exit);
        Assert.Contains(lines, l => l.StartsWith("FAIL qemu-img: /nonexistent/qemu-img was not found (install the Debian package qemu-utils"));
    }

    [Fact]
    public async Task A_StateDirThatCannotExistFails()
    {
        var file = Path.Combine(_dir, "plain-file");
        File.WriteAllText(file, "x");
        var (exit, lines) = await CheckAsync(new AgentOptions { StateDir = Path.Combine(file, "state") });
        Assert.Equal(1, exit);
        Assert.Contains(lines, l => l == $"FAIL state dir: {file}/state cannot be created: {file} is a file");
    }

    /// <summary>An existing dir the agent's user cannot write: as root, the built binary runs
    /// as nobody (root itself may write anywhere).</summary>
    [Fact]
    public async Task An_UnwritableStateDirFails()
    {
        var state = Path.Combine(_dir, "state");
        Directory.CreateDirectory(state);
        File.SetUnixFileMode(state, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
                                    | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        File.SetUnixFileMode(_dir, (UnixFileMode)0b111_101_101);
        int exit;
        string output;
        if (Environment.UserName == "root")
        {
            var psi = new ProcessStartInfo("setpriv") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--", "dotnet", AgentProcess.AgentDll, "check", "--state-dir", state })
                psi.ArgumentList.Add(a);
            psi.Environment["DOTNET_CLI_HOME"] = _dir;
            using var p = Process.Start(psi)!;
            output = await p.StandardOutput.ReadToEndAsync() + await p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            exit = p.ExitCode;
        }
        else
        {
            var w = new StringWriter();
            exit = await HostCheck.RunAsync(new AgentOptions { StateDir = state }, null, w, CancellationToken.None);
            output = w.ToString();
        }
        Assert.True(exit == 1, output);
        Assert.Contains($"FAIL state dir: {state} is not writable: ", output);
        Assert.Contains("result: VMs cannot run here: state dir", output);
    }

    [Fact]
    public async Task A_HeldLockIsReportedAndLeftAlone()
    {
        using var held = StateDirLock.Acquire(_dir);
        var (exit, lines) = await CheckAsync(new AgentOptions { StateDir = _dir });
        Assert.Equal(0, exit);
        Assert.Contains(lines, l => l.StartsWith($"ok   state lock: held by a running agent, pid {Environment.ProcessId} "));
        // Still ours: a second owner is refused, and the pid in the file is unchanged.
        Assert.Throws<StateDirLockedException>(() => StateDirLock.Acquire(_dir));
        Assert.Equal([StateDirLock.LockFileName], Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void Check_IsACommand()
    {
        var (kind, o) = CommandLine.Parse(["check", "--state-dir", "/srv/occi"], _ => null);
        Assert.Equal(CommandKind.Check, kind);
        Assert.Equal("/srv/occi", o.StateDir);
        Assert.Throws<ConfigException>(() => CommandLine.Parse(["check", "--bogus"], _ => null));
        // Only as the first word: elsewhere it is an unknown argument.
        Assert.Throws<ConfigException>(() => CommandLine.Parse(["--listen", "http://127.0.0.1:1", "check"], _ => null));
    }
}
