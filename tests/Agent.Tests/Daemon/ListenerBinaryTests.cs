using OcciAgent.Tests.Kit;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OcciAgent.Tests.Daemon;

/// <summary>The built agent's listeners, as a user starts it: several at once, https with the
/// generated or a configured certificate (checked with curl, by CA file and by public key pin),
/// rotation without restart, the exposure policy, a busy port, and settings nobody gave it
/// (appsettings.json, ASPNETCORE_URLS) that must not move it.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
[Trait("Category", "Integration")]
public sealed class ListenerBinaryTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly TempDir _temp = new("occi-listen-");
    private string _dir => _temp.Path;
    private static readonly Dictionary<string, string?> NoEnv = [];

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_BusyPortExits1WithOneLineAndNoStackTrace()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;
        await using var agent = AgentProcess.Start(NoEnv, "--listen", $"http://127.0.0.1:{port}");
        Assert.Equal(1, await agent.ExitCodeAsync(StartTimeout));
        var line = Assert.Single(agent.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"http://127.0.0.1:{port}", line);
        Assert.Contains("already in use", line);
        Assert.DoesNotContain("   at ", agent.Stdout + agent.Stderr);
        Assert.DoesNotContain("Exception", agent.Stdout + agent.Stderr);
    }

    [Fact]
    public async Task AppsettingsJsonAndAspnetcoreUrls_DoNotMoveTheListener()
    {
        var (own, fromUrls, fromKestrel, fromEnv, fromDotnetEnv) = (FreePort(), FreePort(), FreePort(), FreePort(), FreePort());
        var cwd = Directory.CreateDirectory(Path.Combine(_dir, "cwd")).FullName;
        File.WriteAllText(Path.Combine(cwd, "appsettings.json"), $$"""
            { "urls": "http://127.0.0.1:{{fromUrls}}",
              "Kestrel": { "Endpoints": { "Other": { "Url": "http://127.0.0.1:{{fromKestrel}}" } } } }
            """);
        await using var agent = AgentProcess.StartIn(cwd, Path.Combine(_dir, "state"), new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{fromEnv}",
            ["DOTNET_URLS"] = $"http://127.0.0.1:{fromDotnetEnv}",
            ["ASPNETCORE_HTTP_PORTS"] = fromEnv.ToString(),
        }, "--listen", $"http://127.0.0.1:{own}");
        await agent.WaitForOutputAsync("[100]", StartTimeout);
        var served = await CurlAsync(agent.StateDir, "-s", "-o", "/dev/null", "-w", "%{http_code}", $"http://127.0.0.1:{own}/-/");
        Assert.Equal("200", served.Out);
        foreach (var port in new[] { fromUrls, fromKestrel, fromEnv, fromDotnetEnv })
            Assert.False(Answers(port), $"something answers on {port}, which only appsettings.json or the environment named");
        Assert.Equal(0, await agent.TerminateAsync(TimeSpan.FromSeconds(30)));
    }

    [Theory]
    [InlineData("http://0.0.0.0:{0}")]
    [InlineData("http://192.0.2.1:{0}")]
    [InlineData("http://[::]:{0}")]
    public async Task Plain_HttpOnANetworkAddressIsRefusedWithOneLine(string pattern)
    {
        var url = string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, FreePort());
        await using var agent = AgentProcess.Start(NoEnv, "--listen", "http://127.0.0.1:0", "--listen", url);
        Assert.Equal(2, await agent.ExitCodeAsync(StartTimeout));
        var line = Assert.Single(agent.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(url, line);
        Assert.Contains("allowInsecureRemote", line);
        Assert.False(Directory.Exists(agent.StateDir), "a refused start must not create the state dir");
    }

    [Fact]
    public async Task AllowInsecureRemote_ServesAndWarnsAtStart()
    {
        var port = FreePort();
        var config = Path.Combine(_dir, "agent.json");
        File.WriteAllText(config, """{ "allowInsecureRemote": true }""");
        await using var agent = AgentProcess.Start(NoEnv, "--config", config, "--listen", $"http://0.0.0.0:{port}");
        await agent.WaitForOutputAsync("[100]", StartTimeout);
        Assert.Contains(agent.Stdout.Split('\n'), l => l.StartsWith("<4>", StringComparison.Ordinal) && l.Contains("[164]") && l.Contains($"http://0.0.0.0:{port}"));
        Assert.Equal("200", (await CurlAsync(agent.StateDir, "-s", "-o", "/dev/null", "-w", "%{http_code}", $"http://127.0.0.1:{port}/-/")).Out);
    }

    /// <summary>No certificate configured: one is made in the state dir (key 0600); the https,
    /// plain http and unix socket listeners serve at once; curl trusts it by --cacert and by
    /// --pinnedpubkey; /host, the start-up log and occi-agent check give the same fingerprint.</summary>
    [Fact]
    public async Task Generated_CertificateServesHttpsNextToHttpAndAUnixSocket()
    {
        var (https, http) = (FreePort(), FreePort());
        var socket = Path.Combine(_dir, "agent.sock");
        var state = Path.Combine(_dir, "state");
        await using var agent = AgentProcess.StartIn(null, state, NoEnv,
            "--listen", $"https://127.0.0.1:{https}", "--listen", $"http://127.0.0.1:{http}", "--listen", "http://unix:" + socket);
        await agent.WaitForOutputAsync("[100]", StartTimeout);
        var cert = Path.Combine(state, "tls", "server.crt");
        var key = Path.Combine(state, "tls", "server.key");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(key)!));
        using var made = X509Certificate2.CreateFromPem(File.ReadAllText(cert));
        Assert.Equal(256, made.GetECDsaPublicKey()!.KeySize); // ECDSA P-256
        var fingerprint = Fingerprint(made);
        var san = made.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Superset(new HashSet<string> { "localhost", Dns.GetHostName() }, san.EnumerateDnsNames().ToHashSet());
        Assert.Superset(new HashSet<IPAddress> { IPAddress.Loopback, IPAddress.IPv6Loopback }, san.EnumerateIPAddresses().ToHashSet());

        var host = await CurlAsync(state, "-sS", "--cacert", cert, $"https://127.0.0.1:{https}/host");
        Assert.True(host.Exit == 0, host.Err);
        Assert.Contains($"tls.fingerprint: {fingerprint}", host.Out);
        var pin = host.Out.Split('\n').Single(l => l.StartsWith("tls.pin: ", StringComparison.Ordinal))["tls.pin: ".Length..];
        Assert.Equal(0, (await CurlAsync(state, "-sS", "--cacert", cert, $"https://localhost:{https}/-/", "-o", "/dev/null")).Exit);
        Assert.Equal(0, (await CurlAsync(state, "-sSk", "--pinnedpubkey", pin, $"https://127.0.0.1:{https}/-/", "-o", "/dev/null")).Exit);
        var wrongPin = await CurlAsync(state, "-sSk", "--pinnedpubkey", "sha256//" + Convert.ToBase64String(new byte[32]), $"https://127.0.0.1:{https}/-/");
        Assert.Equal(90, wrongPin.Exit); // CURLE_SSL_PINNEDPUBKEYNOTMATCH
        Assert.NotEqual(0, (await CurlAsync(state, "-sS", $"https://127.0.0.1:{https}/-/")).Exit); // not trusted by default
        Assert.Equal("200", (await CurlAsync(state, "-s", "-o", "/dev/null", "-w", "%{http_code}", $"http://127.0.0.1:{http}/-/")).Out);
        Assert.Equal("200", (await CurlAsync(state, "-s", "-o", "/dev/null", "-w", "%{http_code}", "--unix-socket", socket, "http://localhost/-/")).Out);
        Assert.Contains(agent.Stdout.Split('\n'), l => l.Contains("[160]") && l.Contains(fingerprint) && l.Contains(pin));
        Assert.Equal(0, await agent.TerminateAsync(TimeSpan.FromSeconds(30)));

        // A restart keeps the same certificate (clients pinned it).
        var again = AgentProcess.StartIn(null, state, NoEnv, "--listen", $"https://127.0.0.1:{https}");
        await again.WaitForOutputAsync("[100]", StartTimeout);
        Assert.Contains(again.Stdout.Split('\n'), l => l.Contains("[160]") && l.Contains(fingerprint));
        Assert.DoesNotContain("[161]", again.Stdout);
        Assert.Equal(0, await again.TerminateAsync(TimeSpan.FromSeconds(30)));

        var check = await RunAsync("dotnet", AgentProcess.AgentDll, "check", "--listen", $"https://127.0.0.1:{https}", "--state-dir", state);
        Assert.Contains(check.Out.Split('\n'), l => l.StartsWith("ok   tls: ", StringComparison.Ordinal) && l.Contains(fingerprint) && l.Contains(pin));
    }

    /// <summary>tls.certificate/tls.key from the config; replaced files are served after SIGHUP
    /// and, without any signal, after the file watcher saw them; a broken pair keeps the last good one.</summary>
    [Fact]
    public async Task Configured_PemFilesRotateOnSighupAndOnFileChange()
    {
        var port = FreePort();
        var (cert, key, ca) = (Path.Combine(_dir, "agent.pem"), Path.Combine(_dir, "agent.key"), Path.Combine(_dir, "ca.pem"));
        var first = WritePair(cert, key, "first");
        var config = Path.Combine(_dir, "agent.json");
        File.WriteAllText(config, $$"""{ "tls": { "certificate": "{{cert}}", "key": "{{key}}" } }""");
        await using var agent = AgentProcess.Start(NoEnv, "--config", config, "--listen", $"https://127.0.0.1:{port}");
        await agent.WaitForOutputAsync("[100]", StartTimeout);
        Assert.False(Directory.Exists(Path.Combine(agent.StateDir, "tls")), "a configured certificate needs no generated one");
        File.Copy(cert, ca, overwrite: true);
        Assert.Equal(first, await ServedFingerprintAsync(agent.StateDir, ca, port));

        var second = WritePair(cert, key, "second");
        File.Copy(cert, ca, overwrite: true);
        await RunAsync("kill", "-HUP", agent.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await agent.WaitForOutputAsync($"(SIGHUP) from {cert}: SHA-256 fingerprint {second}", TimeSpan.FromSeconds(3));
        Assert.Equal(second, await ServedFingerprintAsync(agent.StateDir, ca, port));
        Assert.False(agent.HasExited, "SIGHUP must not end the agent");

        // A half-written rotation (garbage certificate): the second pair stays in use.
        File.WriteAllText(cert, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
        await RunAsync("kill", "-HUP", agent.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await agent.WaitForOutputAsync("[163]", TimeSpan.FromSeconds(5));
        Assert.Equal(second, await ServedFingerprintAsync(agent.StateDir, ca, port));

        var third = WritePair(cert, key, "third");
        File.Copy(cert, ca, overwrite: true);
        await WaitUntilAsync(async () => await ServedFingerprintAsync(agent.StateDir, ca, port) == third, TimeSpan.FromSeconds(10));
        Assert.Contains(agent.Stdout.Split('\n'), l => l.Contains("[162]") && l.Contains("(file change)") && l.Contains(third));
        Assert.Equal(0, await agent.TerminateAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_ConfiguredCertificateThatDoesNotLoadIsOneLineAndExit2()
    {
        var config = Path.Combine(_dir, "agent.json");
        var missing = Path.Combine(_dir, "missing.pem");
        File.WriteAllText(config, $$"""{ "tls": { "certificate": "{{missing}}", "key": "{{missing}}" } }""");
        await using var agent = AgentProcess.Start(NoEnv, "--config", config, "--listen", $"https://127.0.0.1:{FreePort()}");
        Assert.Equal(2, await agent.ExitCodeAsync(StartTimeout));
        var line = Assert.Single(agent.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"cannot load the TLS certificate {missing}", line);
    }

    /// <summary>A self-signed P-256 pair for 127.0.0.1, written key first through renames (as a
    /// rotation tool would); returns its SHA-256 fingerprint.</summary>
    private static string WritePair(string certPath, string keyPath, string name)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", ecdsa, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(keyPath + ".new", ecdsa.ExportPkcs8PrivateKeyPem());
        File.Move(keyPath + ".new", keyPath, overwrite: true);
        File.WriteAllText(certPath + ".new", cert.ExportCertificatePem());
        File.Move(certPath + ".new", certPath, overwrite: true);
        return Fingerprint(cert);
    }

    private static string Fingerprint(X509Certificate2 c) =>
        string.Join(':', Convert.ToHexString(SHA256.HashData(c.RawData)).Chunk(2).Select(p => new string(p)));

    /// <summary>The fingerprint /host reports over a new https connection trusted only by <paramref name="ca"/>.</summary>
    private static async Task<string?> ServedFingerprintAsync(string stateDir, string ca, int port)
    {
        var r = await CurlAsync(stateDir, "-sS", "--cacert", ca, $"https://127.0.0.1:{port}/host");
        return r.Exit != 0 ? null
            : r.Out.Split('\n').FirstOrDefault(l => l.StartsWith("tls.fingerprint: ", StringComparison.Ordinal))?["tls.fingerprint: ".Length..];
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var end = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < end, $"not within {timeout.TotalSeconds} s");
            await Task.Delay(100);
        }
    }

    /// <summary>curl with the admin token when the state dir has one (every request needs it once
    /// authentication is on).</summary>
    private static Task<(int Exit, string Out, string Err)> CurlAsync(string stateDir, params string[] args)
    {
        var token = Path.Combine(stateDir, "admin.token");
        string[] auth = File.Exists(token) ? ["-H", "Authorization: Bearer " + File.ReadAllText(token).Trim()] : [];
        return RunAsync("curl", ["--max-time", "10", .. auth, .. args]);
    }

    private static async Task<(int Exit, string Out, string Err)> RunAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout, await stderr);
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static bool Answers(int port)
    {
        using var c = new TcpClient();
        try
        {
            c.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
