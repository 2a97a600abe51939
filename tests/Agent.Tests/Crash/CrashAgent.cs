using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace OcciAgent.Tests.Crash;

/// <summary>The built agent binary as its own process on a fixed state dir, listening on a unix
/// socket next to (not inside) the state dir, so the state dir holds only what the agent writes.
/// <see cref="Kill9"/> is a plain SIGKILL of the agent alone, as <c>kill -9 PID</c>. The binary is
/// the build output next to the tests unless OCCI_AGENT_BINARY names another (the native one of
/// scripts/publish-aot).</summary>
public sealed class CrashAgent : IAsyncDisposable
{
    private Process? _process;
    private StreamWriter? _log;

    /// <summary>With <paramref name="netns"/> the agent runs inside that network namespace
    /// (created here, deleted on dispose with every bridge and tap in it).</summary>
    public CrashAgent(string root, string? netns = null)
    {
        Root = root;
        Netns = netns;
        Directory.CreateDirectory(StateDir);
        if (netns is null) return;
        Http.AgentServer.Run("ip", "netns", "add", netns);
        Http.AgentServer.Run("ip", "-n", netns, "link", "set", "lo", "up");
    }

    public string? Netns { get; }

    public string Root { get; }
    public string StateDir => Path.Combine(Root, "state");
    public string SocketPath => Path.Combine(Root, "agent.sock");
    public string LogPath => Path.Combine(Root, "agent.log");
    public string ConfigPath => Path.Combine(Root, "agent.json");
    public HttpClient Client { get; private set; } = null!;

    public static string Binary =>
        Environment.GetEnvironmentVariable("OCCI_AGENT_BINARY") is { Length: > 0 } b ? b : Path.Combine(AppContext.BaseDirectory, "occi-agent");

    /// <summary>Starts the agent and waits until it serves (start-up reconcile runs before that).</summary>
    public async Task<TimeSpan> StartAsync()
    {
        File.WriteAllText(ConfigPath, "{\"schemeBase\": \"http://node.test/occi/\"}");
        File.Delete(SocketPath);
        // ip netns exec execs the agent in place, so the pid is the agent's own.
        var psi = new ProcessStartInfo(Netns is null ? Binary : "ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (Netns is not null)
            foreach (var a in new[] { "netns", "exec", Netns, Binary }) psi.ArgumentList.Add(a);
        foreach (var a in new[] { "--listen", "http://unix:" + SocketPath, "--state-dir", StateDir, "--config", ConfigPath })
            psi.ArgumentList.Add(a);
        foreach (var v in new[] { "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID" }) psi.Environment.Remove(v);
        _log ??= new StreamWriter(LogPath, append: true) { AutoFlush = true };
        var log = _log;
        var watch = Stopwatch.StartNew();
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Client?.Dispose();
        Client = NewClient();
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"the agent exited with {_process.ExitCode}; log {LogPath}:\n{Tail()}");
            try
            {
                if ((await Client.GetAsync("/-/")).IsSuccessStatusCode) return watch.Elapsed;
            }
            catch (HttpRequestException) { }
            if (watch.Elapsed > TimeSpan.FromSeconds(60))
                throw new TimeoutException($"the agent did not serve within 60 s; log {LogPath}:\n{Tail()}");
            await Task.Delay(20);
        }
    }

    private HttpClient NewClient()
    {
        var client = Http.AgentServer.UnixSocketClient(SocketPath, "http://agent.test", TimeSpan.FromSeconds(60));
        // Over the unix socket root needs no token; send it anyway where the agent wrote one.
        var token = Path.Combine(StateDir, "admin.token");
        if (File.Exists(token))
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", File.ReadAllText(token).Trim());
        return client;
    }

    /// <summary>SIGKILL to the agent process only; its children (qemu-img, the private D-Bus
    /// daemon) are left as a real kill -9 leaves them. Waits until qemu-img children are done, so
    /// none still writes while the next agent starts.</summary>
    public async Task Kill9()
    {
        if (_process is null) return;
        var pid = _process.Id;
        using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-KILL", pid.ToString() } })!)
            await kill.WaitForExitAsync();
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
        var watch = Stopwatch.StartNew();
        while (Helpers("qemu-img").Count > 0 && watch.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(20);
    }

    public async Task TerminateAsync()
    {
        if (_process is null) return;
        using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString() } })!)
            await kill.WaitForExitAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
        _process.Dispose();
        _process = null;
    }

    /// <summary>Processes (not the agent) whose command line names the state dir and contains <paramref name="what"/>.</summary>
    public List<int> Helpers(string what) =>
        Directory.EnumerateDirectories("/proc").Select(d => int.TryParse(Path.GetFileName(d), out var p) ? p : 0).Where(p => p > 0)
            .Where(p =>
            {
                try
                {
                    var cmd = File.ReadAllText($"/proc/{p}/cmdline");
                    return p != _process?.Id && cmd.Contains(StateDir, StringComparison.Ordinal) && cmd.Contains(what, StringComparison.Ordinal)
                        && !cmd.Contains("occi-agent\0--listen", StringComparison.Ordinal);
                }
                catch (IOException) { return false; }
            }).ToList();

    /// <summary>The links in the agent's namespace that carry the agent's ownership alias
    /// (<c>occi-agent:KIND:ENTITY-ID</c>, src/Net/Links/LinkNames.cs): (kind, entity id, link name).</summary>
    public List<(string Kind, string Id, string Name)> OwnedLinks()
    {
        using var doc = System.Text.Json.JsonDocument.Parse(Http.AgentServer.Run("ip", "-n", Netns!, "-j", "link", "show"));
        var result = new List<(string, string, string)>();
        foreach (var l in doc.RootElement.EnumerateArray())
        {
            if (!l.TryGetProperty("ifalias", out var alias) || alias.GetString() is not { } a || !a.StartsWith("occi-agent:", StringComparison.Ordinal)) continue;
            var parts = a.Split(':', 3);
            result.Add((parts[1], parts[2], l.GetProperty("ifname").GetString()!));
        }
        return result;
    }

    public string Tail()
    {
        if (!File.Exists(LogPath)) return "";
        using var f = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var r = new StreamReader(f, Encoding.UTF8);
        var lines = r.ReadToEnd().Split('\n');
        return string.Join('\n', lines.TakeLast(40));
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (_process is not null)
        {
            try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await _process.WaitForExitAsync();
            _process.Dispose();
        }
        // dnsmasq or a private dbus-daemon an agent of this state dir left running.
        foreach (var p in Helpers(""))
            try { Process.GetProcessById(p).Kill(); } catch (Exception e) when (e is ArgumentException or InvalidOperationException) { }
        _log?.Dispose();
        if (Netns is not null && File.Exists($"/run/netns/{Netns}")) Http.AgentServer.Run("ip", "netns", "del", Netns);
        try { Directory.Delete(Root, recursive: true); } catch (DirectoryNotFoundException) { }
    }
}
