using System.Net;
using System.Security.Cryptography;
using System.Text;
using OcciAgent.Store;
using OcciAgent.Tests.Http;
using Xunit.Abstractions;

namespace OcciAgent.Tests.Fuzz;

/// <summary>Hostile input against the real HTTP server: seeded, bounded, reproducible.
/// OCCI_FUZZ_REQUESTS (default 20,000) and OCCI_FUZZ_SEED (default fixed) replay or extend a run.
/// It fails on a 5xx other than 501 (a spec-mandated "not implemented", GFD.223 §5.3) and 503
/// (a host service missing), and on any refusal (4xx or 5xx) after which the stored state (the
/// store's entities and user mixins, and the volume files) differs.
/// Requests that would boot a VM or build host networks are not sent: those have their own
/// tests; this one is about input.</summary>
[Trait("Category", "Integration")]
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
        var baseline = Digest(agent);
        var previous = "";
        var watch = System.Diagnostics.Stopwatch.StartNew();
        // Counts requests sent: skipped ones are made up for (within twice the count generated).
        for (var i = 0; sent < count && i < 2 * count && failures.Count < 10; i++)
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
                // The client library refused to send it (e.g. CR in a header value) or to read the
                // answer; the agent may have acted on it, so what it stored is the new baseline.
                skipped++;
                baseline = Digest(agent);
                previous = $"(no answer: {e.GetType().Name}) {req}";
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
            // Every refusal is checked at once; reads are sampled; a success sets the new baseline.
            var refusal = status >= 400;
            if (refusal) refused++;
            if (refusal && !req.IsReadOnly || req.IsReadOnly && sent % 50 == 0)
            {
                var now = Digest(agent);
                if (now != baseline)
                    failures.Add($"#{i} (seed {seed}): {status} {body.Trim()} but the stored state changed\n{req}\nafter: {previous}");
                baseline = now;
            }
            else if (!req.IsReadOnly) baseline = Digest(agent);
            previous = $"{status} {req}";
        }
        output.WriteLine($"fuzz: seed {seed}, {sent} requests sent ({skipped} skipped), {refused} refused, 5xx {fiveXx} (+{tolerated5xx} 501/503), {watch.Elapsed.TotalSeconds:0.0} s");
        output.WriteLine("statuses: " + string.Join(", ", statuses.Select(kv => $"{kv.Key}×{kv.Value}")));
        foreach (var f in failures) output.WriteLine(f);
        Assert.True(failures.Count == 0, $"seed {seed}: {failures.Count} failure(s), first:\n{failures.FirstOrDefault()}");
        Assert.True(sent >= count, $"only {sent} of {count} requests were sent");
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

    /// <summary>What the agent stored: every entity and user mixin as the store holds them, and
    /// the volume files on disk. A refusal must leave all of it as it was.</summary>
    private static string Digest(AgentServer agent)
    {
        var store = (IEntityStore)agent.Services.GetService(typeof(IEntityStore))!;
        var sb = new StringBuilder();
        foreach (var e in store.All())
        {
            sb.Append(e.Id).Append(' ').Append(e.KindId).Append(' ').AppendJoin(',', e.Mixins).Append('\n');
            foreach (var (k, v) in e.Attributes) sb.Append("  ").Append(k).Append('=').Append(v.Kind).Append(':').Append(v.ToInvariantString()).Append('\n');
        }
        foreach (var m in store.UserMixins())
            sb.Append(m.Id).Append(' ').Append(m.Location).Append(' ').Append(m.Title).Append(' ').AppendJoin(',', m.Depends).Append(' ').AppendJoin(',', m.Applies).Append('\n');
        var volumes = Path.Combine(agent.StateDir, "volumes");
        if (Directory.Exists(volumes))
            foreach (var f in Directory.EnumerateFiles(volumes, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                sb.Append(Path.GetFileName(f)).Append(' ').Append(new FileInfo(f).Length).Append('\n');
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

}
