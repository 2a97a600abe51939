using OcciAgent.Tests.Kit;
using OcciAgent.Config;

namespace OcciAgent.Tests.Unit;

[Trait("Category", "Unit")]
public sealed class CommandLineTests : IDisposable
{
    private readonly TempDir _temp = new("occi-cli-");
    private string _dir => _temp.Path;
    public void Dispose() => _temp.Dispose();

    private static Func<string, string?> Env(params (string, string)[] vars) => n => vars.FirstOrDefault(v => v.Item1 == n).Item2;

    [Fact]
    public void Parse_NoArguments_GivesEmbeddedDefaults()
    {
        var (cmd, o) = CommandLine.Parse([], Env());
        Assert.Equal(CommandKind.Run, cmd);
        Assert.Equal(["http://127.0.0.1:8080"], o.Listen);
        Assert.Equal("./var", o.StateDir);
        Assert.Equal(["tiny", "small", "medium", "large"], o.Flavours.Select(f => f.Name));
    }

    [Fact]
    public void Parse_Precedence_FileThenEnvironmentThenFlags()
    {
        var file = Path.Combine(_dir, "c.json");
        File.WriteAllText(file, """{ "listen": "http://127.0.0.1:1", "stateDir": "/from/file", "maxPageSize": 7, "flavours": [{"name":"edge","cores":2,"memory":1.5}] }""");
        var (_, fromFile) = CommandLine.Parse(["--config", file], Env());
        Assert.Equal(["http://127.0.0.1:1"], fromFile.Listen);
        Assert.Equal(7, fromFile.MaxPageSize);
        Assert.Equal("edge", Assert.Single(fromFile.Flavours).Name);
        var (_, fromEnv) = CommandLine.Parse([$"--config={file}"], Env(("OCCI_AGENT_STATE_DIR", "/from/env")));
        Assert.Equal("/from/env", fromEnv.StateDir);
        var (_, fromFlag) = CommandLine.Parse(["--config", file, "--state-dir", "/from/flag", "--listen", "http://[::1]:9"], Env(("OCCI_AGENT_STATE_DIR", "/from/env")));
        Assert.Equal("/from/flag", fromFlag.StateDir);
        Assert.Equal(["http://[::1]:9"], fromFlag.Listen);
    }

    [Fact]
    public void Parse_LimitSettings_FromTheConfigFile()
    {
        var file = Path.Combine(_dir, "limits.json");
        File.WriteAllText(file, """{ "maxRequestBytes": 2097152, "maxUserMixins": 50, "maxStorageGiB": 512 }""");
        var (_, o) = CommandLine.Parse(["--config", file], Env());
        Assert.Equal(2097152, o.MaxRequestBytes);
        Assert.Equal(50, o.MaxUserMixins);
        Assert.Equal(512, o.MaxStorageGiB);
    }

    [Theory]
    [InlineData("maxRequestBytes", "100")]
    [InlineData("maxUserMixins", "-1")]
    [InlineData("maxStorageGiB", "0")]
    [InlineData("maxStorageGiB", "1e9")]
    public void Parse_LimitSettings_OutOfRange_NameTheSetting(string key, string value)
    {
        var file = Path.Combine(_dir, "bad-limits.json");
        File.WriteAllText(file, $"{{ \"{key}\": {value} }}");
        var e = Assert.Throws<ConfigException>(() => CommandLine.Parse(["--config", file], Env()));
        Assert.Contains(key, e.Message);
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--listen")]
    [InlineData("--listen", "ftp://x")]
    public void Parse_BadArguments_NameTheProblem(params string[] args)
    {
        var e = Assert.Throws<ConfigException>(() => CommandLine.Parse(args, Env()));
        Assert.Contains(args[^1] == "--listen" ? "--listen" : args[^1], e.Message);
    }

    [Theory]
    [InlineData("""{ "listen": 5 }""", "not valid")]
    [InlineData("""{ "colour": "red" }""", "colour")]
    [InlineData("""{ "flavours": [{"name":"Big One","cores":1,"memory":1}] }""", "Big One")]
    [InlineData("""{ "flavours": [{"name":"x","cores":0,"memory":1}] }""", "cores")]
    [InlineData("""{ "schemeBase": "http://schemas.ogf.org/occi/mine/" }""", "schemeBase")]
    [InlineData("""{ "uplink": "eth0; rm -rf /" }""", "uplink")]
    [InlineData("""{ "uplink": "a-name-far-too-long" }""", "uplink")]
    [InlineData("""{ "uplink": "eth0\n" }""", "uplink")]
    [InlineData("""{ "uplink": ".." }""", "uplink")]
    [InlineData("""{ "dhcpBus": "session" }""", "dhcpBus")]
    [InlineData("""{ "dhcpPingCheck": "no" }""", "not valid")]
    public void Parse_BadConfigFile_IsAClearError(string json, string fragment)
    {
        var file = Path.Combine(_dir, "bad.json");
        File.WriteAllText(file, json);
        var e = Assert.Throws<ConfigException>(() => CommandLine.Parse(["--config", file], Env()));
        Assert.Contains(fragment, e.Message);
    }

    [Fact]
    public void Parse_NetworkSettings_FromFileAndEnvironment()
    {
        var file = Path.Combine(_dir, "net.json");
        File.WriteAllText(file, """{ "uplink": "eth1", "dhcpBus": "private", "dhcpRunDir": "/run/x/dhcp", "dhcpPingCheck": false, "nft": "/usr/sbin/nft" }""");
        var (_, o) = CommandLine.Parse(["--config", file], Env());
        Assert.Equal(("eth1", "private", "/run/x/dhcp", false, "/usr/sbin/nft"), (o.Uplink, o.DhcpBus, o.DhcpRunDir, o.DhcpPingCheck, o.Nft));
        var (_, e) = CommandLine.Parse(["--config", file], Env(("OCCI_AGENT_UPLINK", "bond0")));
        Assert.Equal("bond0", e.Uplink);
        var (_, d) = CommandLine.Parse([], Env());
        Assert.Null(d.Uplink);
        Assert.Equal(Path.GetFullPath(Path.Combine(d.StateDir, "net", "dhcp")), d.DhcpRunDir);
    }

    [Fact]
    public void Parse_HelpAndVersion()
    {
        Assert.Equal(CommandKind.Help, CommandLine.Parse(["--help"], Env()).Item1);
        Assert.Equal(CommandKind.Version, CommandLine.Parse(["--version"], Env()).Item1);
    }

    [Fact]
    public void Parse_Listen_IsAListFromFileFlagsOrEnvironment()
    {
        var file = Path.Combine(_dir, "l.json");
        File.WriteAllText(file, """{ "listen": ["http://127.0.0.1:1", "https://0.0.0.0:2", "http://unix:/run/x.sock"], "tls": { "certificate": "/c.pem", "key": "/k.pem" } }""");
        var (_, fromFile) = CommandLine.Parse(["--config", file], Env());
        Assert.Equal(["http://127.0.0.1:1", "https://0.0.0.0:2", "http://unix:/run/x.sock"], fromFile.Listen);
        Assert.Equal(("/c.pem", "/k.pem"), (fromFile.TlsCertificate, fromFile.TlsKey));
        var (_, fromEnv) = CommandLine.Parse(["--config", file], Env(("OCCI_AGENT_LISTEN", "http://127.0.0.1:3, https://[::]:4")));
        Assert.Equal(["http://127.0.0.1:3", "https://[::]:4"], fromEnv.Listen);
        var (_, fromFlags) = CommandLine.Parse(["--config", file, "--listen", "http://[::1]:5", "--listen=https://*:6"], Env(("OCCI_AGENT_LISTEN", "http://127.0.0.1:3")));
        Assert.Equal(["http://[::1]:5", "https://*:6"], fromFlags.Listen);
    }

    [Theory]
    [InlineData("http://0.0.0.0:8080")]
    [InlineData("http://192.0.2.1:80")]
    [InlineData("http://[::]:80")]
    [InlineData("http://*:80")]
    [InlineData("http://[2001:db8::1]:80")]
    public void Parse_PlainHttpOnANetworkAddress_IsRefusedUnlessAllowed(string url)
    {
        var e = Assert.Throws<ConfigException>(() => CommandLine.Parse(["--listen", "http://127.0.0.1:1", "--listen", url], Env()));
        Assert.Contains(url, e.Message);
        Assert.Contains("allowInsecureRemote", e.Message);
        Assert.False(e.ShowUsage);
        var file = Path.Combine(_dir, "open.json");
        File.WriteAllText(file, """{ "allowInsecureRemote": true }""");
        Assert.True(CommandLine.Parse(["--config", file, "--listen", url], Env()).Item2.AllowInsecureRemote);
    }

    [Theory]
    [InlineData("https://0.0.0.0:8443")]
    [InlineData("https://192.0.2.1:443")]
    [InlineData("http://127.0.0.2:80")]
    [InlineData("http://[::1]:80")]
    [InlineData("http://localhost:80")]
    [InlineData("http://unix:/run/occi-agent/occi.sock")]
    public void Parse_LocalOrTlsListeners_AreAccepted(string url) =>
        Assert.Equal([url], CommandLine.Parse(["--listen", url], Env()).Item2.Listen);

    [Theory]
    [InlineData("http://node.example:80", "IP address")]
    [InlineData("http://127.0.0.1", "port")]
    [InlineData("http://127.0.0.1:80/base", "path")]
    [InlineData("http://unix:relative.sock", "absolute")]
    [InlineData("http://localhost:0", "port 0")]
    public void Parse_BadListenUrls_NameTheProblem(string url, string fragment)
    {
        var e = Assert.Throws<ConfigException>(() => CommandLine.Parse(["--listen", url], Env()));
        Assert.Contains(fragment, e.Message);
    }

    [Fact]
    public void Parse_TlsNeedsBothFiles()
    {
        var file = Path.Combine(_dir, "tls.json");
        File.WriteAllText(file, """{ "tls": { "certificate": "/c.pem" } }""");
        Assert.Contains("both", Assert.Throws<ConfigException>(() => CommandLine.Parse(["--config", file], Env())).Message);
    }
}
