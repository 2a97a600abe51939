using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using OcciAgent.Tests.Daemon;

namespace OcciAgent.Tests.Security;

/// <summary>The token CLI run as its own process against the state dir of a running agent (also
/// its own process): create, list with last use, revoke taking effect within a second; the
/// modes of the files it writes; and the warning of <c>auth: "none"</c>.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
[Trait("Category", "Integration")]
public sealed partial class TokenCommandTests
{
    private static (int Exit, string Out, string Err) Cli(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(AgentProcess.AgentDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEnd();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout, stderr);
    }

    private static async Task<string> UrlOf(AgentProcess agent)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (Listening().Match(agent.Stdout) is { Success: true } m) return m.Groups[1].Value;
            await Task.Delay(50);
        }
        throw new TimeoutException($"the agent did not start:\n{agent.Stdout}\n{agent.Stderr}");
    }

    [Fact]
    public async Task Create_ListRevokeWhileTheAgentRuns()
    {
        await using var agent = AgentProcess.Start(new Dictionary<string, string?>(), "--listen", "http://127.0.0.1:0");
        var url = await UrlOf(agent);
        Assert.Contains("admin.token (mode 0600)", agent.Stdout);
        var admin = await File.ReadAllTextAsync(Path.Combine(agent.StateDir, "admin.token"));
        Assert.DoesNotContain(admin.Trim(), agent.Stdout + agent.Stderr); // never logged

        var created = Cli("token", "create", "ci", "--role", "reader", "--state-dir", agent.StateDir);
        Assert.True(created.Exit == 0, created.Err);
        var token = created.Out.Trim();
        Assert.StartsWith("occi_", token);
        Assert.DoesNotContain(token[^43..], await File.ReadAllTextAsync(Path.Combine(agent.StateDir, "tokens.json"))); // only a hash is stored

        using var http = new HttpClient { BaseAddress = new Uri(url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var watch = Stopwatch.StartNew();
        while ((await http.GetAsync("/-/")).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), "the new token did not work within a second");
            await Task.Delay(20);
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await http.PostAsync("/storage/", new StringContent("", null, "text/plain"))).StatusCode);

        var duplicate = Cli("token", "create", "ci", "--state-dir", agent.StateDir);
        Assert.Equal(2, duplicate.Exit);
        Assert.Contains("exists", duplicate.Err);
        Assert.Equal(2, Cli("token", "create", "bad name", "--state-dir", agent.StateDir).Exit);
        Assert.Equal(2, Cli("token", "create", "x", "--role", "root", "--state-dir", agent.StateDir).Exit);

        // Last use reaches token list once the agent has written it (every 5 s).
        watch.Restart();
        string list;
        while (!ListLine().Match(list = Cli("token", "list", "--state-dir", agent.StateDir).Out).Success)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"no last use for ci in:\n{list}");
            await Task.Delay(250);
        }
        Assert.Matches(@"(?m)^admin\s+admin\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ", list);

        var revoked = Cli("token", "revoke", "ci", "--state-dir", agent.StateDir);
        Assert.True(revoked.Exit == 0, revoked.Err);
        watch.Restart();
        while ((await http.GetAsync("/-/")).StatusCode != HttpStatusCode.Unauthorized)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), "the revoked token still worked after a second");
            await Task.Delay(20);
        }
        Assert.Equal(1, Cli("token", "revoke", "ci", "--state-dir", agent.StateDir).Exit);
        Assert.DoesNotContain("ci ", Cli("token", "list", "--state-dir", agent.StateDir).Out);

        foreach (var f in new[] { "tokens.json", "admin.token", "tokens-used.json", "tokens.lock" })
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(agent.StateDir, f)));
        Assert.Contains("audit: ci POST /storage/ -> 403", agent.Stdout);
    }

    [Fact]
    public async Task Auth_NoneWarnsAtStartAndServesAnonymously()
    {
        var config = Path.Combine(Path.GetTempPath(), "occi-auth-none-" + Guid.NewGuid().ToString("N")[..8] + ".json");
        await File.WriteAllTextAsync(config, """{ "auth": "none" }""");
        try
        {
            await using var agent = AgentProcess.Start(new Dictionary<string, string?>(), "--listen", "http://127.0.0.1:0", "--config", config);
            var url = await UrlOf(agent);
            Assert.Contains("auth is \"none\"", agent.Stdout);
            using var http = new HttpClient();
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(url + "/-/")).StatusCode);
            Assert.False(File.Exists(Path.Combine(agent.StateDir, "admin.token")));
        }
        finally
        {
            File.Delete(config);
        }
    }

    [GeneratedRegex(@"listening on (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();

    [GeneratedRegex(@"(?m)^ci\s+reader\s+\S+ \S+\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ")]
    private static partial Regex ListLine();
}
