using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;

namespace OcciAgent.Tests.Http;

public sealed partial class AgentServer
{
    private Process? _process;

    /// <summary>The network namespace the agent process runs in (null: in-process agent).</summary>
    public string? Netns { get; private set; }
    public string SocketPath => Path.Combine(StateDir, "agent.sock");
    public string LogPath => Path.Combine(StateDir, "agent.log");
    public int? ProcessId => _process?.Id;

    /// <summary>Starts the agent binary in a new network namespace (lo up, nothing else).</summary>
    public static async Task<AgentServer> StartInNetnsAsync(Action<AgentServer>? beforeStart = null)
    {
        var ns = "occi-t" + Guid.NewGuid().ToString("N")[..8];
        var dir = Path.Combine(Path.GetTempPath(), "occi-agent-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        return await StartOrCleanUpAsync(new AgentServer(dir) { Netns = ns }, beforeStart, () =>
        {
            Run("ip", "netns", "add", ns);
            Run("ip", "-n", ns, "link", "set", "lo", "up");
        });
    }

    private async Task StartProcessAsync()
    {
        var config = Path.Combine(StateDir, "agent.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["schemeBase"] = Options.SchemeBase,
            ["stopTimeoutSeconds"] = Options.StopTimeoutSeconds,
            ["uplink"] = Options.Uplink,
            ["dhcpBus"] = Options.DhcpBus,
        }.Where(kv => kv.Value is not null).ToDictionary(), TestJson.Default.DictionaryStringObject));
        File.Delete(SocketPath);
        var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "netns", "exec", Netns!, Path.Combine(AppContext.BaseDirectory, "occi-agent"),
            "--listen", "http://unix:" + SocketPath, "--state-dir", StateDir, "--config", config })
            psi.ArgumentList.Add(a);
        var log = new StreamWriter(LogPath, append: true) { AutoFlush = true };
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        BaseUrl = "http://agent.test";
        Client = UnixSocketClient(SocketPath, BaseUrl, TimeSpan.FromSeconds(60));
        // As root on the socket the agent would admit us by SO_PEERCRED; the token keeps the
        // same credentials on every path (and is there once the agent has written it).
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"the agent exited with {_process.ExitCode}:\n{await File.ReadAllTextAsync(LogPath)}");
            try
            {
                if ((await Client.GetAsync("/-/")).IsSuccessStatusCode)
                {
                    UseAdminToken(Client);
                    return;
                }
            }
            catch (HttpRequestException) { }
            if (watch.Elapsed > TimeSpan.FromSeconds(30))
                throw new TimeoutException($"the agent did not serve within 30 s:\n{await File.ReadAllTextAsync(LogPath)}");
            await Task.Delay(20);
        }
    }

    /// <summary>An HTTP client whose every connection goes to the unix socket at <paramref name="path"/>.</summary>
    public static HttpClient UnixSocketClient(string path, string baseUrl, TimeSpan timeout)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = new Uri(baseUrl), Timeout = timeout };
    }

    /// <summary>SIGTERM, like systemd stopping the service; the VMs keep running.</summary>
    private async Task StopProcessAsync()
    {
        if (_process is null) return;
        if (!_process.HasExited)
        {
            Run("kill", "-TERM", _process.Id.ToString());
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
        _process = null;
    }

    /// <summary>In-process agents share the test's network namespace: remove the bridges and
    /// taps the test made through the agent itself (scripts/test also runs the tests in a
    /// private namespace, so nothing reaches the host even if this fails).</summary>
    private async Task DeleteNetworksAsync()
    {
        if (_app is null || Client is null) return;
        try
        {
            await Client.DeleteAsync("/networkinterface/");
            await Client.DeleteAsync("/network/");
        }
        catch (HttpRequestException) { }
    }

    /// <summary>dnsmasq and the private D-Bus daemon the agent started for this state dir.</summary>
    public IReadOnlyList<int> HelperPids() =>
        Directory.EnumerateDirectories("/proc").Select(d => int.TryParse(Path.GetFileName(d), out var p) ? p : 0).Where(p => p > 0)
            .Where(p =>
            {
                try
                {
                    var cmd = File.ReadAllText($"/proc/{p}/cmdline");
                    return cmd.Contains(StateDir, StringComparison.Ordinal) && !cmd.Contains("qemu-system", StringComparison.Ordinal)
                        && !cmd.Contains("occi-agent\0", StringComparison.Ordinal) && p != Environment.ProcessId && p != _process?.Id;
                }
                catch (IOException) { return false; }
            }).ToList();

    private void KillHelpers()
    {
        foreach (var p in HelperPids())
            try { Process.GetProcessById(p).Kill(); } catch (Exception e) when (e is ArgumentException or InvalidOperationException) { }
    }

    private void DeleteNetns()
    {
        if (Netns is not null && File.Exists($"/run/netns/{Netns}")) Run("ip", "netns", "del", Netns);
    }

    /// <summary>Runs a command (argument array, no shell); a failure throws with its stderr.</summary>
    public static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEnd();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)}: exit {p.ExitCode}: {stderr}");
        return stdout;
    }

    /// <summary>Runs a command inside the agent's namespace.</summary>
    public string InNetns(params string[] args) => Run("ip", ["netns", "exec", Netns!, .. args]);
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, object>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(double))]
[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class TestJson : System.Text.Json.Serialization.JsonSerializerContext;
