using OcciAgent.Config.Settings;
using OcciAgent.Tests.Kit;
using System.Net;
using OcciAgent.Config;
using OcciAgent.Hypervisor.Vm;
using OcciAgent.Tests.Http;
using OcciAgent.Vms;

namespace OcciAgent.Tests.Vms.Systemd;

/// <summary>How the launcher is configured and chosen, on any host: an unreachable bus is a
/// real failed connection (a socket path that does not exist), not a fake.</summary>
[Trait("Category", "Integration")]
public sealed class LauncherChoiceTests : IDisposable
{
    private readonly TempDir _temp = new("occi-launcher-");
    private string _dir => _temp.Path;
    private string NoBus => "unix:path=" + Path.Combine(_dir, "no-bus-here");

    public void Dispose() => _temp.Dispose();

    private static Func<string, string?> Env(params (string, string)[] vars) => n => vars.FirstOrDefault(v => v.Item1 == n).Item2;

    [Fact]
    public void Launcher_SettingsComeFromFileThenEnvironment()
    {
        var file = Path.Combine(_dir, "c.json");
        File.WriteAllText(file, """{ "vmLauncher": "daemon", "systemdBus": "unix:path=/x", "vmSlice": "edge-vms.slice" }""");
        var (_, fromFile) = CommandLine.Parse(["--config", file], Env());
        Assert.Equal(("daemon", "unix:path=/x", "edge-vms.slice"), (SettingEnum.Name(fromFile.Systemd.VmLauncher), fromFile.SystemdBus, fromFile.VmSlice));
        var (_, fromEnv) = CommandLine.Parse(["--config", file], Env(("OCCI_AGENT_VM_LAUNCHER", "systemd"), ("OCCI_AGENT_SYSTEMD_BUS", "unix:path=/y")));
        Assert.Equal(("systemd", "unix:path=/y"), (SettingEnum.Name(fromEnv.Systemd.VmLauncher), fromEnv.SystemdBus));
        var (_, defaults) = CommandLine.Parse([], Env());
        Assert.Equal(("auto", null, "occi-vms.slice"), (SettingEnum.Name(defaults.Systemd.VmLauncher), defaults.SystemdBus, defaults.VmSlice));
    }

    [Theory]
    [InlineData("OCCI_AGENT_VM_LAUNCHER", "libvirt", "vmLauncher 'libvirt' must be auto, systemd or daemon")]
    public void A_BadLauncherIsRefusedByName(string variable, string value, string message)
    {
        var e = Assert.Throws<ConfigException>(() => CommandLine.Parse([], Env((variable, value))));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void A_BadSliceIsRefusedByName()
    {
        var file = Path.Combine(_dir, "c.json");
        File.WriteAllText(file, """{ "vmSlice": "vms" }""");
        var e = Assert.Throws<ConfigException>(() => CommandLine.Parse(["--config", file], Env()));
        Assert.Contains("vmSlice: slice 'vms' must be a name ending in .slice", e.Message);
    }

    [Fact]
    public async Task Auto_FallsBackToTheDaemonLauncherAndSaysWhyWhenSystemdDoesNotAnswer()
    {
        var c = await LauncherSelection.ChooseAsync(new AgentOptions { SystemdBus = NoBus }, "/usr/bin/qemu-system-x86_64", TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.IsType<DaemonLauncher>(c.Launcher);
        Assert.Null(c.Problem);
        Assert.Contains("systemdBus is set, but the systemd manager on " + NoBus + " is not reachable", c.Reason);
    }

    [Fact]
    public async Task Daemon_IsUsedWhenForced()
    {
        var c = await LauncherSelection.ChooseAsync(new AgentOptions { Systemd = { VmLauncher = LauncherMode.Daemon }, SystemdBus = NoBus }, "/usr/bin/qemu-system-x86_64", TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.IsType<DaemonLauncher>(c.Launcher);
        Assert.Contains("forced by configuration (vmLauncher=daemon)", c.Reason);
    }

    [Fact]
    public async Task Forced_SystemdThatDoesNotAnswerRefusesVmStartsWithTheReason()
    {
        await using var agent = await AgentServer.StartAsync(beforeStart: s =>
        {
            s.Options.Systemd.VmLauncher = LauncherMode.Systemd;
            s.Options.SystemdBus = NoBus;
        });
        var host = await (await agent.SendAsync(HttpMethod.Get, "/host")).BodyAsync();
        Assert.Contains("launcher: \n", host);
        Assert.Contains("launcher.reason: forced by configuration (vmLauncher=systemd), but the systemd manager on " + NoBus + " is not reachable", host);
        var created = await agent.SendAsync(HttpMethod.Post, "/compute/", AgentTestBase.ComputeKind + "\r\n");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var path = created.LocationPath();
        var start = await agent.SendAsync(HttpMethod.Post, path + "?action=start",
            $"Category: start; scheme=\"{VmTestBase.ActionScheme}\"; class=\"action\"\r\n");
        var body = await start.BodyAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, start.StatusCode);
        Assert.Contains("virtual machines cannot be started: vmLauncher is systemd but the systemd manager on " + NoBus + " is not reachable", body);
    }
}
