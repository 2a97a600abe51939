using System.Net;

namespace OcciAgent.Tests.Crash;

/// <summary>After a restart: every acknowledged change is there and nothing acknowledged as
/// deleted came back (lost), nothing in the state dir or the process table lacks its entity
/// (orphan), and no entity is left part-way (half-done: a storage without its volume or in
/// error, a compute without its root overlay, a link to something gone). Then the model is
/// set to what the agent now says, for the next round.</summary>
public sealed class CrashAudit(CrashAgent agent, List<Tracked> model, List<TrackedMixin> mixins)
{
    public int Lost, Orphans, HalfDone;
    public List<string> Problems { get; } = [];

    private void Problem(ref int counter, string what)
    {
        counter++;
        Problems.Add(what);
    }

    private async Task<(bool Exists, string Body)> GetAsync(string path)
    {
        var req = new HttpRequestMessage(HttpMethod.Get, path);
        req.Headers.TryAddWithoutValidation("Accept", "text/plain");
        var r = await agent.Client.SendAsync(req);
        var body = await r.Content.ReadAsStringAsync();
        if (r.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.NotFound))
            throw new InvalidOperationException($"GET {path}: {(int)r.StatusCode} {body}");
        return (r.StatusCode == HttpStatusCode.OK, body);
    }

    private static string? Attr(string body, string name)
    {
        foreach (var line in body.Split("\r\n"))
            if (line.StartsWith($"X-OCCI-Attribute: {name}=", StringComparison.Ordinal))
                return line[$"X-OCCI-Attribute: {name}=".Length..].Trim('"');
        return null;
    }

    public async Task RunAsync()
    {
        var observed = new Dictionary<Tracked, (bool Exists, string Body)>();
        foreach (var t in model) observed[t] = await GetAsync(t.Path);
        foreach (var t in model) await CheckAsync(t, observed);
        await CheckFilesAsync();
        await CheckMixinsAsync();
        // Settle the model on what the agent says now; entities that are gone are dropped.
        foreach (var t in model)
        {
            var (exists, body) = observed[t];
            t.Present = exists;
            t.InFlight = null;
            if (!exists) continue;
            t.Title = Attr(body, "occi.core.title");
            t.StorageState = t.Kind == "storage" ? Attr(body, "occi.storage.state") : null;
            t.Running = t.Kind == "compute" && Attr(body, "occi.compute.state") == "active";
        }
        model.RemoveAll(t => !t.Present);
    }

    private async Task CheckAsync(Tracked t, Dictionary<Tracked, (bool Exists, string Body)> observed)
    {
        var (exists, body) = observed[t];
        var expect = Expectations.Of(t);
        if (expect == Expect.Present && !exists) Problem(ref Lost, $"acknowledged {t.Kind} {t.Id} is missing");
        if (expect == Expect.Absent && exists) Problem(ref Lost, $"{t.Kind} {t.Id} is back although its delete was acknowledged");
        if (!exists) return;

        var title = Attr(body, "occi.core.title");
        var pendingTitle = t.InFlight is { } f && f.StartsWith("title:", StringComparison.Ordinal) ? f[6..] : null;
        if (t.Title is not null && title != t.Title && title != pendingTitle)
            Problem(ref Lost, $"{t.Kind} {t.Id}: title '{title}', acknowledged '{t.Title}'{(pendingTitle is null ? "" : $" (or '{pendingTitle}' in flight)")}");

        switch (t.Kind)
        {
            case "storage":
                var state = Attr(body, "occi.storage.state");
                var pendingState = t.InFlight is { } s && s.StartsWith("state:", StringComparison.Ordinal) ? s[6..] : null;
                if (state == "error") Problem(ref HalfDone, $"storage {t.Id} is in state error: {Attr(body, "occi.storage.state.message")}");
                else if (t.StorageState is not null && state != t.StorageState && state != pendingState)
                    Problem(ref Lost, $"storage {t.Id}: state {state}, acknowledged {t.StorageState}");
                if (!File.Exists(Path.Combine(agent.StateDir, "volumes", t.Id + ".qcow2")))
                    Problem(ref HalfDone, $"storage {t.Id} has no volume file");
                break;
            case "compute":
                var computeState = Attr(body, "occi.compute.state");
                if (computeState == "error") Problem(ref HalfDone, $"compute {t.Id} is in state error: {Attr(body, "occi.compute.state.message")}");
                else if (t.Running && t.InFlight is null && computeState != "active")
                    Problem(ref Lost, $"compute {t.Id} was started (acknowledged) but is {computeState}");
                if (!File.Exists(Path.Combine(agent.StateDir, "vms", t.Id, "root.qcow2")))
                    Problem(ref HalfDone, $"compute {t.Id} has no root overlay");
                break;
            case "network" or "networkinterface":
                if (Attr(body, $"occi.{t.Kind}.state") == "error")
                    Problem(ref HalfDone, $"{t.Kind} {t.Id} is in state error: {Attr(body, $"occi.{t.Kind}.state.message")}");
                if (agent.Netns is not null && !agent.OwnedLinks().Any(l => l.Kind == t.Kind && l.Id == t.Id))
                    Problem(ref HalfDone, $"{t.Kind} {t.Id} has no {(t.Kind == "network" ? "bridge" : "tap")}");
                if (t.Kind == "networkinterface") goto case "storagelink";
                break;
            case "storagelink":
                foreach (var end in new[] { Attr(body, "occi.core.source"), Attr(body, "occi.core.target") })
                    if (end is null || !(await GetAsync(end.StartsWith('/') ? end : new Uri(end).AbsolutePath)).Exists) Problem(ref HalfDone, $"storagelink {t.Id} points at {end}, which is gone");
                break;
        }
    }

    private async Task CheckFilesAsync()
    {
        var volumes = Path.Combine(agent.StateDir, "volumes");
        foreach (var f in Directory.EnumerateFiles(volumes))
        {
            var name = Path.GetFileName(f);
            if (!name.EndsWith(".qcow2", StringComparison.Ordinal)) Problem(ref Orphans, $"stray file {f}");
            else if (!(await GetAsync("/storage/" + name[..^6])).Exists) Problem(ref Orphans, $"orphan volume {f}");
        }
        var backups = Path.Combine(volumes, "backups");
        if (Directory.Exists(backups))
            foreach (var f in Directory.EnumerateFiles(backups, ".*"))
                Problem(ref Orphans, $"unfinished backup {f}");
        var vms = Path.Combine(agent.StateDir, "vms");
        if (Directory.Exists(vms))
        {
            foreach (var d in Directory.EnumerateDirectories(vms))
                if (!(await GetAsync("/compute/" + Path.GetFileName(d))).Exists) Problem(ref Orphans, $"orphan VM directory {d}");
            foreach (var f in Directory.EnumerateFiles(vms)) Problem(ref Orphans, $"stray file {f}");
        }
        foreach (var f in Directory.EnumerateFiles(Path.Combine(agent.StateDir, "images"), ".*"))
            Problem(ref Orphans, $"unfinished image {f}");
        if (agent.Netns is not null)
            foreach (var (kind, id, name) in agent.OwnedLinks())
            {
                var path = kind == "vlan" ? "/network/" + id : $"/{kind}/{id}";
                if (!(await GetAsync(path)).Exists) Problem(ref Orphans, $"orphan {name} ({kind} {id})");
            }
        foreach (var p in agent.Helpers("dnsmasq")) Problem(ref Orphans, $"dnsmasq {p} although no network is dynamic");
        foreach (var p in agent.Helpers("qemu-system"))
        {
            var id = System.Text.RegularExpressions.Regex.Match(File.ReadAllText($"/proc/{p}/cmdline"), "/vms/([^/]+)/").Groups[1].Value;
            if (!(await GetAsync("/compute/" + id)).Exists) Problem(ref Orphans, $"QEMU {p} of compute {id}, which does not exist");
        }
    }

    private async Task CheckMixinsAsync()
    {
        var (_, body) = await GetAsync("/-/");
        foreach (var m in mixins)
        {
            var present = body.Contains($"Category: {m.Term};", StringComparison.Ordinal);
            if (m.Present && !present) Problem(ref Lost, $"acknowledged user mixin {m.Term} is missing");
            if (!m.Present && !m.InFlight && present) Problem(ref Lost, $"refused user mixin {m.Term} was stored");
            m.Present = present;
            m.InFlight = false;
        }
        mixins.RemoveAll(m => !m.Present);
    }
}
