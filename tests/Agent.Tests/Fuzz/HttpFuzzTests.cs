using System.Net;
using System.Security.Cryptography;
using System.Text;
using OcciAgent.Tests.Http;
using Xunit.Abstractions;

namespace OcciAgent.Tests.Fuzz;

/// <summary>Hostile input against the real HTTP server: seeded, bounded, reproducible.
/// OCCI_FUZZ_REQUESTS (default 20,000) and OCCI_FUZZ_SEED (default fixed) replay or extend a run.
/// It fails on a 5xx other than 501 (a spec-mandated "not implemented", GFD.223 §5.3) and 503
/// (a host service missing), and on any refusal (4xx or 5xx) after which the stored state differs.
/// Requests that would boot a VM or build host networks are not sent: those have their own
/// tests; this one is about input.</summary>
public sealed class HttpFuzzTests(ITestOutputHelper output)
{
    private const int DefaultRequests = 20_000;
    private const int DefaultSeed = 20261203;
    private static readonly string[] VmActions = ["start", "restart", "resume", "suspend", "save", "hibernate"];

    [Fact]
    public async Task Fuzz_NoServerErrorAndNoChangeOnRefusal()
    {
        var count = int.TryParse(Environment.GetEnvironmentVariable("OCCI_FUZZ_REQUESTS"), out var c) ? c : DefaultRequests;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("OCCI_FUZZ_SEED"), out var s) ? s : DefaultSeed;
        await using var agent = await AgentServer.StartAsync();
        var gen = new RequestGenerator(seed);
        var failures = new List<string>();
        int sent = 0, skipped = 0, fiveXx = 0, tolerated5xx = 0, refused = 0;
        var statuses = new SortedDictionary<int, int>();
        var baseline = await DigestAsync(agent);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < count && failures.Count < 10; i++)
        {
            var req = gen.Next();
            if (WouldTouchHost(req))
            {
                skipped++;
                continue;
            }
            HttpResponseMessage response;
            try
            {
                response = await SendAsync(agent, req);
            }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException or FormatException or ArgumentException)
            {
                // The client library itself refused to send it (e.g. CR in a header value).
                skipped++;
                continue;
            }
            sent++;
            if (sent % 5000 == 0) output.WriteLine($"{sent} sent after {watch.Elapsed.TotalSeconds:0.0} s");
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            var body = await response.Content.ReadAsStringAsync();
            Track(gen, req, response);
            if (status >= 500)
            {
                if (status is 501 or 503) tolerated5xx++;
                else
                {
                    fiveXx++;
                    failures.Add($"#{i} (seed {seed}): {status} {body}\n{req}");
                }
            }
            // A refusal is checked at once; reads now and then; a success sets the new baseline.
            var refusal = status >= 400;
            if (refusal) refused++;
            // GET and HEAD cannot change anything: sampled, not checked after each refusal.
            if (refusal && !req.IsReadOnly || req.IsReadOnly && sent % 50 == 0)
            {
                var now = await DigestAsync(agent);
                if (now != baseline)
                    failures.Add($"#{i} (seed {seed}): {status} {body.Trim()} but the stored state changed\n{req}");
                baseline = now;
            }
            else if (!req.IsReadOnly) baseline = await DigestAsync(agent);
        }
        output.WriteLine($"fuzz: seed {seed}, {sent} requests sent ({skipped} skipped), {refused} refused, 5xx {fiveXx} (+{tolerated5xx} 501/503), {watch.Elapsed.TotalSeconds:0.0} s");
        output.WriteLine("statuses: " + string.Join(", ", statuses.Select(kv => $"{kv.Key}×{kv.Value}")));
        foreach (var f in failures) output.WriteLine(f);
        Assert.True(failures.Count == 0, $"seed {seed}: {failures.Count} failure(s), first:\n{failures.FirstOrDefault()}");
        Assert.True(sent >= count / 2, $"only {sent} of {count} requests were sent");
    }

    /// <summary>VM boots and host networks are out of this test's scope (and its time budget).</summary>
    private static bool WouldTouchHost(FuzzRequest r)
    {
        var query = r.Path.Contains('?') ? r.Path[(r.Path.IndexOf('?') + 1)..] : "";
        if (VmActions.Any(a => query.Contains("action=" + a, StringComparison.OrdinalIgnoreCase))) return true;
        var text = r.Path + r.Body + string.Concat(r.Headers.Select(h => h.Value));
        return !r.IsReadOnly && text.Contains("network", StringComparison.OrdinalIgnoreCase);
    }

    private static Task<HttpResponseMessage> SendAsync(AgentServer agent, FuzzRequest r)
    {
        var accept = r.Headers.LastOrDefault(h => h.Name == "Accept").Value;
        var others = r.Headers.Where(h => h.Name != "Accept").ToArray();
        return agent.SendAsync(new HttpMethod(r.Method), r.Path, r.Body ?? (r.ContentType is null ? null : ""), r.ContentType, accept, others);
    }

    /// <summary>Follows what exists, so later requests aim at real entities and mixins.</summary>
    private static void Track(RequestGenerator gen, FuzzRequest r, HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        if (status == 201 && response.Headers.Location is { } loc)
        {
            var path = loc.IsAbsoluteUri ? loc.AbsolutePath : loc.OriginalString;
            if (path.StartsWith("/storage/", StringComparison.Ordinal)) gen.Storages.Add(path);
            else if (path.StartsWith("/compute/", StringComparison.Ordinal)) gen.Computes.Add(path);
        }
        if (status is >= 200 and < 300 && r.Method == "DELETE")
        {
            var path = r.Path.Split('?')[0];
            if (path.EndsWith('/')) { gen.Storages.Clear(); gen.Computes.Clear(); }
            gen.Storages.Remove(path);
            gen.Computes.Remove(path);
        }
        if (status == 200 && r.Path.StartsWith("/-/", StringComparison.Ordinal) && r.Method is "POST" or "DELETE")
        {
            gen.MixinLocations.Clear();
            gen.MixinLocations.AddRange(MixinLocationsIn(response).Where(l => l.StartsWith("/fuzz/", StringComparison.Ordinal)));
        }
    }

    private static IEnumerable<string> MixinLocationsIn(HttpResponseMessage response)
    {
        // A POST /-/ answers with the created mixins; a DELETE's effect is refreshed lazily
        // (a stale location only yields 404s, which the fuzz welcomes).
        var text = response.Content.ReadAsStringAsync().Result;
        foreach (var part in text.Split("location=\"").Skip(1)) yield return part[..part.IndexOf('"')];
    }

    /// <summary>Every entity with its attributes, links and mixins (JSON carries whole entities,
    /// GFD.226 §3.3), and every category: what a refusal must leave as it was.</summary>
    private static async Task<string> DigestAsync(AgentServer agent)
    {
        var entities = await GetAsync(agent, "/", "application/occi+json");
        var categories = await GetAsync(agent, "/-/", "text/plain");
        Assert.Equal(HttpStatusCode.OK, entities.StatusCode);
        Assert.Equal(HttpStatusCode.OK, categories.StatusCode);
        var all = await entities.Content.ReadAsStringAsync() + "\n" + await categories.Content.ReadAsStringAsync();
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(all)));
    }

    /// <summary>A GET on a pooled connection the agent just closed (it may close one after a
    /// refused upload) fails on the client's side; a GET is safe to send once more.</summary>
    private static async Task<HttpResponseMessage> GetAsync(AgentServer agent, string path, string accept)
    {
        try { return await agent.SendAsync(HttpMethod.Get, path, accept: accept); }
        catch (HttpRequestException) { return await agent.SendAsync(HttpMethod.Get, path, accept: accept); }
    }
}
