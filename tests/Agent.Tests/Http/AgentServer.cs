using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OcciAgent.Config;
using OcciAgent.Storage;
using OcciAgent.Store;

namespace OcciAgent.Tests.Http;

/// <summary>A real agent on a loopback port with its own temporary state dir, driven over real
/// HTTP. Disposing stops it and removes the state dir, also when the test failed.
/// With <see cref="Netns"/> set, the agent is the built binary run as its own process inside
/// that network namespace (created here, deleted on dispose), listening on a unix socket in the
/// state dir: everything it does to host networking stays in the namespace (the network tests).</summary>
public sealed partial class AgentServer : IAsyncDisposable
{
    private WebApplication? _app;
    private StateDirLock? _lock;

    public string StateDir { get; }
    public HttpClient Client { get; private set; } = null!;
    public string BaseUrl { get; private set; } = "";
    public AgentOptions Options { get; }
    /// <summary>The in-process agent's services (tests that look at its store directly).</summary>
    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("the agent runs as a separate process");
    /// <summary>Extra logging set-up for the in-process agent (a test that checks what is logged).</summary>
    public Action<ILoggingBuilder>? Logging { get; set; }

    private AgentServer(string stateDir)
    {
        StateDir = stateDir;
        Options = new AgentOptions { Listen = ["http://127.0.0.1:0"], StateDir = stateDir, SchemeBase = "http://node.test/occi/" };
    }

    public static async Task<AgentServer> StartAsync(string? stateDir = null, Action<AgentServer>? beforeStart = null)
    {
        var dir = stateDir ?? Path.Combine(Path.GetTempPath(), "occi-agent-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        return await StartOrCleanUpAsync(new AgentServer(dir), beforeStart);
    }

    /// <summary>Prepares and starts <paramref name="s"/>. If the agent does not start, its cause goes
    /// to the test as it is, and what was made for it (namespace, lock, state dir) goes too:
    /// cleaning up must not replace that cause.</summary>
    private static async Task<AgentServer> StartOrCleanUpAsync(AgentServer s, Action<AgentServer>? beforeStart, Action? prepare = null)
    {
        try
        {
            prepare?.Invoke();
            beforeStart?.Invoke(s);
            await s.StartAgainAsync();
            return s;
        }
        catch
        {
            await s.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts (again) on the same state dir, like an agent restart.</summary>
    public async Task StartAgainAsync()
    {
        if (Netns is not null)
        {
            await StartProcessAsync();
            return;
        }
        _lock = StateDirLock.Acquire(StateDir);
        _app = AgentHost.Build(Options, l =>
        {
            l.SetMinimumLevel(LogLevel.Warning);
            Logging?.Invoke(l);
        });
        await AgentHost.PrepareAsync(_app, CancellationToken.None);
        await _app.StartAsync();
        if (Options.Listen[0].StartsWith("http://unix:", StringComparison.Ordinal))
        {
            BaseUrl = "http://agent.test";
            Client = UnixSocketClient(Options.Listen[0]["http://unix:".Length..], BaseUrl, TimeSpan.FromSeconds(30));
        }
        else
        {
            BaseUrl = _app.Urls.First().TrimEnd('/');
            Client = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        }
        UseAdminToken(Client);
    }

    /// <summary>The token the agent wrote at its first start (null with <c>auth: "none"</c>).</summary>
    public string? AdminToken => File.Exists(AdminTokenPath) ? File.ReadAllText(AdminTokenPath).Trim() : null;

    public string AdminTokenPath => Path.Combine(StateDir, "admin.token");

    /// <summary>Every test speaks with credentials: the admin token, when there is one.</summary>
    public void UseAdminToken(HttpClient client)
    {
        if (AdminToken is { } token) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>A client of this agent with no credentials (auth tests add their own).</summary>
    public HttpClient NewClient() => new() { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(30) };

    public async Task StopAsync()
    {
        // Null when the agent failed before it served (StartAsync cleans up after that too).
        (Client as HttpClient)?.Dispose();
        await StopProcessAsync();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
        _lock?.Dispose();
        _lock = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (Netns is null) await DeleteNetworksAsync();
        await StopAsync();
        KillVms();
        KillHelpers();
        DeleteNetns();
        try { Directory.Delete(StateDir, recursive: true); } catch (DirectoryNotFoundException) { }
    }

    /// <summary>VMs outlive the agent by design; a test's VMs must not outlive the test.</summary>
    public void KillVms()
    {
        var vms = Path.Combine(StateDir, "vms");
        if (!Directory.Exists(vms)) return;
        foreach (var pidFile in Directory.EnumerateFiles(vms, "qemu.pid", SearchOption.AllDirectories))
        {
            if (!int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid)) continue;
            try
            {
                using var p = Process.GetProcessById(pid);
                if (File.ReadAllText($"/proc/{pid}/cmdline").Contains(StateDir, StringComparison.Ordinal)) p.Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException) { }
        }
    }

    /// <summary>What the image watcher does after its debounce, at once: a test that dropped an
    /// image in images/ sees it in its next request. Nothing to do before the start (the first
    /// scan finds it) or for an agent in its own process.</summary>
    public void RescanImages() => _app?.Services.GetRequiredService<ImageLibrary>().Refresh();

    public string VmDir(string computeId) => Path.Combine(StateDir, "vms", computeId);

    public string VolumePath(string id) => Path.Combine(StateDir, "volumes", id + ".qcow2");

    /// <summary>Sends a request with a text body and the given headers.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? body = null,
        string? contentType = "text/plain", string? accept = "text/plain", params (string Name, string Value)[] headers)
    {
        var req = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            req.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            if (contentType is not null) req.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        if (accept is not null) req.Headers.TryAddWithoutValidation("Accept", accept);
        foreach (var (n, v) in headers) req.Headers.TryAddWithoutValidation(n, v);
        return Client.SendAsync(req);
    }

    /// <summary>Runs qemu-img (tests use it to make images and to check volumes independently).</summary>
    public static string QemuImg(params string[] args) => Run("qemu-img", args);

    public static long VirtualSize(string path)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(QemuImg("info", "--output=json", "-U", path));
        return doc.RootElement.GetProperty("virtual-size").GetInt64();
    }

    public static string? BackingFile(string path)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(QemuImg("info", "--output=json", "-U", path));
        return doc.RootElement.TryGetProperty("backing-filename", out var b) ? b.GetString() : null;
    }
}

public static class HttpExtensions
{
    public static async Task<string> BodyAsync(this HttpResponseMessage r) => await r.Content.ReadAsStringAsync();

    public static string? Header(this HttpResponseMessage r, string name) =>
        r.Headers.TryGetValues(name, out var v) ? string.Join(", ", v)
        : r.Content.Headers.TryGetValues(name, out var c) ? string.Join(", ", c) : null;

    /// <summary>The entity path from a 201 Location header.</summary>
    public static string LocationPath(this HttpResponseMessage r) => r.Headers.Location!.AbsolutePath;

    public static MediaTypeHeaderValue? ContentType(this HttpResponseMessage r) => r.Content.Headers.ContentType;
}
