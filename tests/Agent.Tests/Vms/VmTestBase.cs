using System.Diagnostics;
using System.Net;
using OcciAgent.Hypervisor.Qemu.Qmp;
using OcciAgent.Tests.Http;

namespace OcciAgent.Tests.Vms;

/// <summary>VM tests boot the real test guest under QEMU (TCG here). They share one collection,
/// so one test runs at a time and at most two guests exist at once (2-core machines).</summary>
[CollectionDefinition("vms", DisableParallelization = true)]
public sealed class VmCollection;

[Collection("vms")]
public abstract class VmTestBase : AgentTestBase
{
    /// <summary>TCG boots the guest in 3-7 s; loaded CI machines get a wide margin.</summary>
    protected static readonly TimeSpan BootTimeout = TimeSpan.FromSeconds(90);
    protected static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(15);
    public const string ActionScheme = "http://schemas.ogf.org/occi/infrastructure/compute/action#";

    protected override void BeforeStart(AgentServer server)
    {
        TestGuest.Register(server.StateDir);
        server.Options.StopTimeoutSeconds = 20;
    }

    protected static string IdOf(string path) => path[(path.LastIndexOf('/') + 1)..];

    protected Task<string> CreateGuestAsync(params string[] extra) =>
        CreateAsync("/compute/", [ComputeKind, TestGuest.OsTpl, "X-OCCI-Attribute: occi.compute.memory=0.125", .. extra]);

    protected Task<HttpResponseMessage> ActAsync(string path, string action, string? method = null, params string[] extra)
    {
        var lines = new List<string> { $"Category: {action}; scheme=\"{ActionScheme}\"; class=\"action\"" };
        if (method is not null) lines.Add($"X-OCCI-Attribute: method=\"{method}\"");
        lines.AddRange(extra);
        return Agent.SendAsync(HttpMethod.Post, $"{path}?action={action}", Lines([.. lines]));
    }

    /// <summary>Runs an action, expects 200, returns the rendering of the result.</summary>
    protected async Task<string> ActOkAsync(string path, string action, string? method = null, params string[] extra)
    {
        var r = await ActAsync(path, action, method, extra);
        var body = await r.BodyAsync();
        Assert.True(r.StatusCode == HttpStatusCode.OK, $"{action} {method}: {(int)r.StatusCode} {body}");
        return body;
    }

    protected async Task<string?> StateAsync(string path) => Attr(await GetTextAsync(path), "occi.compute.state")?.Trim('"');

    protected async Task<TimeSpan> WaitForStateAsync(string path, string state, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        string? last = null;
        while (watch.Elapsed < timeout)
        {
            if ((last = await StateAsync(path)) == state) return watch.Elapsed;
            await Task.Delay(50);
        }
        throw new TimeoutException($"{path} stayed {last}, not {state}, for {timeout.TotalSeconds} s; console:\n{await ConsoleAsync(path)}");
    }

    protected async Task<string> ConsoleAsync(string path)
    {
        var r = await Agent.SendAsync(HttpMethod.Get, path + "/console", accept: null);
        return r.IsSuccessStatusCode ? await r.BodyAsync() : $"(console: {(int)r.StatusCode})";
    }

    /// <summary>Complete console lines equal to <paramref name="line"/>. The text after the last
    /// newline is a line still being written: a guest reset right after it leaves it unterminated.</summary>
    protected static int Count(string text, string line) =>
        text.Split('\n').SkipLast(1).Count(l => l.TrimEnd('\r').Trim() == line);

    /// <summary>Waits until the console shows <paramref name="line"/> at least <paramref name="times"/> times.</summary>
    protected async Task<TimeSpan> WaitForConsoleAsync(string path, string line, int times, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        var text = "";
        while (watch.Elapsed < timeout)
        {
            text = await ConsoleAsync(path);
            if (Count(text, line) >= times) return watch.Elapsed;
            await Task.Delay(50);
        }
        throw new TimeoutException($"console of {path} did not show '{line}' {times} time(s) within {timeout.TotalSeconds} s:\n{text}");
    }

    protected async Task BootAsync(string path, int bootsBefore = 0)
    {
        await ActOkAsync(path, "start");
        await WaitForConsoleAsync(path, TestGuest.Booted, bootsBefore + 1, BootTimeout);
    }

    protected int? Pid(string path)
    {
        var f = Path.Combine(Agent.VmDir(IdOf(path)), "qemu.pid");
        return File.Exists(f) && int.TryParse(File.ReadAllText(f).Trim(), out var p) ? p : null;
    }

    /// <summary>Alive and not a zombie (docs/host-notes.md: init reaps orphans late).</summary>
    protected static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2] is not ('Z' or 'X');
        }
        catch (IOException) { return false; }
    }

    protected static async Task WaitForExitAsync(int pid, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (Alive(pid))
        {
            if (watch.Elapsed > timeout) throw new TimeoutException($"QEMU {pid} still runs after {timeout.TotalSeconds} s");
            await Task.Delay(20);
        }
    }

    /// <summary>The operator QMP socket: an independent view of what QEMU really does.</summary>
    protected Task<QmpClient> MonitorAsync(string path) =>
        QmpClient.ConnectAsync(Path.Combine(Agent.VmDir(IdOf(path)), "monitor.sock"), TimeSpan.FromSeconds(10));

    protected async Task<string> QemuStatusAsync(string path)
    {
        await using var m = await MonitorAsync(path);
        return (await m.QueryStatusAsync()).Status.ToQmpName();
    }
}
