using System.Text.RegularExpressions;

namespace OcciAgent.Tests.Daemon;

/// <summary>The built agent as systemd runs it: NOTIFY_SOCKET and WATCHDOG_USEC set, stdout a
/// pipe. It must say READY=1 once it serves, ping the watchdog while healthy, say STOPPING=1 on
/// SIGTERM and exit 0, and log with syslog level prefixes and no colours.</summary>
[Trait("Category", "Integration")]
public partial class AgentBinaryNotifyTests
{
    [Fact]
    public async Task Ready_WatchdogStoppingAndJournalLines()
    {
        using var socket = new NotifySocket();
        await using var agent = AgentProcess.Start(new Dictionary<string, string?>
        {
            ["NOTIFY_SOCKET"] = socket.Address,
            ["WATCHDOG_USEC"] = "600000", // probe + ping every 300 ms
        }, "--listen", "http://127.0.0.1:0");

        var ready = await socket.ReceiveAsync(TimeSpan.FromSeconds(60));
        Assert.True(ready is not null, $"no READY=1 within 60 s; stdout:\n{agent.Stdout}\nstderr:\n{agent.Stderr}");
        Assert.StartsWith("READY=1\nSTATUS=serving http://127.0.0.1:", ready);

        // READY=1 means it serves: the URL from STATUS answers at once.
        var url = ServingUrl().Match(ready!).Groups[1].Value;
        using (var http = new HttpClient())
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer",
                File.ReadAllText(Path.Combine(agent.StateDir, "admin.token")).Trim());
            var r = await http.GetAsync(url + "/-/");
            Assert.Equal(System.Net.HttpStatusCode.OK, r.StatusCode);
        }

        var pings = await socket.ReceiveUntilAsync(_ => false, TimeSpan.FromSeconds(1.6));
        Assert.True(pings.Count(m => m == "WATCHDOG=1") >= 3, $"pings in 1.6 s: {string.Join(" | ", pings)}");
        Assert.All(pings, m => Assert.Equal("WATCHDOG=1", m));

        var exit = await agent.TerminateAsync(TimeSpan.FromSeconds(30));
        var rest = await socket.ReceiveUntilAsync(m => m.StartsWith("STOPPING=1"), TimeSpan.FromSeconds(5));
        Assert.Contains(rest, m => m.StartsWith("STOPPING=1\nSTATUS="));
        Assert.Equal(0, exit);

        var stdout = agent.Stdout;
        Assert.DoesNotContain('\u001b', stdout);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.Matches(@"^<[0-7]>", l));
        Assert.Contains(lines, l => l.StartsWith("<6>") && l.Contains("[150]") && l.Contains("systemd notified: ready"));
        Assert.Contains(lines, l => l.StartsWith("<6>") && l.Contains("[151]"));
        Assert.Contains(lines, l => l.StartsWith("<6>") && l.Contains("[153]"));
    }

    [Fact]
    public async Task Without_NotifySocketItJustServes()
    {
        await using var agent = AgentProcess.Start(new Dictionary<string, string?>(), "--listen", "http://127.0.0.1:0");
        var end = DateTime.UtcNow.AddSeconds(60);
        while (!agent.Stdout.Contains("[100]") && DateTime.UtcNow < end) await Task.Delay(50);
        Assert.Contains("[100]", agent.Stdout);
        Assert.DoesNotContain("[150]", agent.Stdout);
        Assert.Equal(0, await agent.TerminateAsync(TimeSpan.FromSeconds(30)));
        Assert.DoesNotContain("[153]", agent.Stdout);
    }

    [GeneratedRegex(@"STATUS=serving (http://127\.0\.0\.1:\d+)")] private static partial Regex ServingUrl();
}
