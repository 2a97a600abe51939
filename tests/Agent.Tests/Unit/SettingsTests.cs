using System.Reflection;
using OcciAgent.Config;
using OcciAgent.Config.Settings;

namespace OcciAgent.Tests.Unit;

/// <summary>Settings bound from configuration (src/Agent/Config/AgentConfiguration.cs): precedence
/// per subsystem, enum values, the key lists the file is checked against, and the library
/// options built from the bound settings.</summary>
[Trait("Category", "Unit")]
public sealed class SettingsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("occi-settings-").FullName;
    public void Dispose() => Directory.Delete(_dir, true);

    private static Func<string, string?> Env(params (string, string)[] vars) => n => vars.FirstOrDefault(v => v.Item1 == n).Item2;

    private string File(string json)
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".json");
        System.IO.File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void Storage_AndHttpSettingsTakeDefaultThenFileThenEnvironmentThenFlag()
    {
        var file = File("""{ "stateDir": "/file", "listen": ["http://127.0.0.1:1", "http://127.0.0.1:2"] }""");
        var env = Env(("OCCI_AGENT_STATE_DIR", "/env"), ("OCCI_AGENT_LISTEN", "http://127.0.0.1:3"));
        var defaults = CommandLine.Parse([], Env()).Item2;
        var fromFile = CommandLine.Parse(["--config", file], Env()).Item2;
        var fromEnv = CommandLine.Parse(["--config", file], env).Item2;
        var fromFlag = CommandLine.Parse(["--config", file, "--state-dir", "/flag", "--listen", "http://127.0.0.1:4"], env).Item2;
        Assert.Equal(["./var", "/file", "/env", "/flag"], new[] { defaults, fromFile, fromEnv, fromFlag }.Select(o => o.Storage.StateDir));
        Assert.Equal(["http://127.0.0.1:8080"], defaults.Listen);
        Assert.Equal(["http://127.0.0.1:1", "http://127.0.0.1:2"], fromFile.Listen);
        // A list from a higher source replaces the lower one whole (the binder alone would merge by index).
        Assert.Equal(["http://127.0.0.1:3"], fromEnv.Listen);
        Assert.Equal(["http://127.0.0.1:4"], fromFlag.Listen);
    }

    [Fact]
    public void Vm_AndSystemdSettingsTakeDefaultThenFileThenEnvironment()
    {
        var file = File("""{ "accelerator": "kvm", "vmLauncher": "daemon", "systemdBus": "unix:path=/file", "consoleLogBytes": 65536 }""");
        var defaults = CommandLine.Parse([], Env()).Item2;
        var fromFile = CommandLine.Parse(["--config", file], Env()).Item2;
        var fromEnv = CommandLine.Parse(["--config", file],
            Env(("OCCI_AGENT_ACCELERATOR", "tcg"), ("OCCI_AGENT_VM_LAUNCHER", "systemd"), ("OCCI_AGENT_SYSTEMD_BUS", "unix:path=/env"))).Item2;
        Assert.Equal((AcceleratorMode.Auto, LauncherMode.Auto, null), (defaults.Vms.Accelerator, defaults.Systemd.VmLauncher, defaults.Systemd.SystemdBus));
        Assert.Equal((AcceleratorMode.Kvm, LauncherMode.Daemon, "unix:path=/file"), (fromFile.Vms.Accelerator, fromFile.Systemd.VmLauncher, fromFile.Systemd.SystemdBus));
        Assert.Equal((AcceleratorMode.Tcg, LauncherMode.Systemd, "unix:path=/env"), (fromEnv.Vms.Accelerator, fromEnv.Systemd.VmLauncher, fromEnv.Systemd.SystemdBus));
        Assert.Equal(65536, fromEnv.Vms.ConsoleLogBytes);
    }

    [Fact]
    public void Enum_SettingsAreCaseInsensitiveAndKeepTheirConfigWords()
    {
        var o = CommandLine.Parse(["--config", File("""{ "accelerator": "KVM", "vmLauncher": "Daemon", "auth": "NONE", "dhcpBus": "Private" }""")], Env()).Item2;
        Assert.Equal((AcceleratorMode.Kvm, LauncherMode.Daemon, AuthMode.None), (o.Vms.Accelerator, o.Systemd.VmLauncher, o.Http.Auth));
        Assert.Equal(("kvm", "daemon", "none"), (SettingEnum.Name(o.Vms.Accelerator), SettingEnum.Name(o.Systemd.VmLauncher), SettingEnum.Name(o.Http.Auth)));
        Assert.Equal(DhcpBusKind.Private, o.Dhcp.BusKind);
        Assert.Equal(DhcpBusKind.Address, CommandLine.Parse(["--config", File("""{ "dhcpBus": "unix:path=/run/bus" }""")], Env()).Item2.Dhcp.BusKind);
    }

    [Theory]
    [InlineData("""{ "accelerator": "qemu" }""", "accelerator 'qemu' must be auto, kvm or tcg")]
    [InlineData("""{ "accelerator": "1" }""", "accelerator '1' must be auto, kvm or tcg")]
    [InlineData("""{ "accelerator": "kvm,tcg" }""", "accelerator 'kvm,tcg' must be auto, kvm or tcg")]
    [InlineData("""{ "auth": "basic" }""", "auth 'basic' must be tokens or none")]
    [InlineData("""{ "vmLauncher": "" }""", "vmLauncher '' must be auto, systemd or daemon")]
    public void A_BadEnumValueIsRefusedByName(string json, string message) =>
        Assert.Equal(message, Assert.Throws<ConfigException>(() => CommandLine.Parse(["--config", File(json)], Env())).Message);

    [Fact]
    public void A_BadEnumValueFromTheEnvironmentIsRefusedByName() =>
        Assert.Equal("accelerator 'hvf' must be auto, kvm or tcg",
            Assert.Throws<ConfigException>(() => CommandLine.Parse([], Env(("OCCI_AGENT_ACCELERATOR", "hvf")))).Message);

    [Theory]
    [InlineData("""{ "tls": { "certificate": "/c", "pin": "x" } }""", "unknown setting 'tls.pin'")]
    [InlineData("""{ "StateDir": "/x" }""", "unknown setting 'StateDir'")]
    [InlineData("""{ "flavours": [{ "name": "a", "cores": 1, "memory": 1, "gpu": 1 }] }""", "unknown setting 'flavours[0].gpu'")]
    [InlineData("""{ "allowedHosts": "a.example" }""", "'allowedHosts' must be a list of strings")]
    [InlineData("""{ "tls": "x" }""", "'tls' must be an object")]
    [InlineData("""[1]""", "it must be a JSON object")]
    [InlineData("""{ "maxPageSize": "many" }""", "maxPageSize")]
    public void The_ConfigFileIsCheckedAgainstTheSettingsKeys(string json, string fragment)
    {
        var e = Assert.Throws<ConfigException>(() => CommandLine.Parse(["--config", File(json)], Env()));
        Assert.Contains("is not valid", e.Message);
        Assert.Contains(fragment, e.Message);
    }

    public static TheoryData<Type, string[]> SettingsTypes => new()
    {
        { typeof(HttpSettings), HttpSettings.Keys.Select(k => k.Name).ToArray() },
        { typeof(TlsSettings), TlsSettings.Keys.Select(k => k.Name).ToArray() },
        { typeof(StorageSettings), StorageSettings.Keys.Select(k => k.Name).ToArray() },
        { typeof(VmSettings), VmSettings.Keys.Select(k => k.Name).ToArray() },
        { typeof(FlavourConfig), FlavourConfig.Keys.Select(k => k.Name).ToArray() },
        { typeof(NetworkSettings), NetworkSettings.Keys.Select(k => k.Name).ToArray() },
        { typeof(DhcpSettings), DhcpSettings.Keys.Select(k => k.Name).ToArray() },
        { typeof(SystemdSettings), SystemdSettings.Keys.Select(k => k.Name).ToArray() },
    };

    /// <summary>Every bound property is a known key and every known key a property: a new
    /// setting cannot be bound yet refused as unknown in the file, or the other way round.</summary>
    [Theory]
    [MemberData(nameof(SettingsTypes))]
    public void Each_SettingsTypeDeclaresExactlyItsPropertiesAsKeys(Type type, string[] keys)
    {
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite)
            .Select(p => char.ToLowerInvariant(p.Name[0]) + p.Name[1..]).Order(StringComparer.Ordinal);
        Assert.Equal(properties, keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_KeysOfAllSubsystemsAreDistinct()
    {
        var names = AgentConfiguration.TopLevelKeys.Select(k => k.Name).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void The_RootHelpNamesEveryConfigKey()
    {
        foreach (var key in AgentConfiguration.TopLevelKeys)
            Assert.Matches($@"\b{key.Name}\b", CommandLine.SettingsHelp);
    }

    [Fact]
    public void Library_OptionsAreBuiltFromTheBoundSettings()
    {
        var o = CommandLine.Parse(["--config", File("""{ "consoleLogBytes": 16384, "dnsmasq": "/opt/dnsmasq", "dhcpBus": "private", "dhcpPingCheck": false }"""),
            "--state-dir", _dir], Env()).Item2;
        Assert.Equal(16384, o.Vms.ToVmOptions().ConsoleLogBytes);
        var dhcp = o.Dhcp.ToDhcpOptions(o.StateDir);
        Assert.Equal((Path.Combine(_dir, "net", "dhcp"), "/opt/dnsmasq", "private", false), (dhcp.RunDir, dhcp.Dnsmasq, dhcp.Bus, dhcp.PingCheck));
    }
}
