using System.Net;
using System.Text;

namespace OcciAgent.Tests.Crash;

/// <summary>Concurrent clients until the agent dies: each worker creates, updates, acts on and
/// deletes its own storages (real qcow2 volumes), computes (with an os_tpl root overlay, not
/// booted), storagelinks and user mixins, one request at a time, recording each answer in the
/// model. A request that gets no answer stays in flight and ends the worker.</summary>
public sealed class CrashWorkload(HttpClient client, List<Tracked> model, List<TrackedMixin> mixins, string osTpl, bool withNetworks)
{
    private const string Infra = "http://schemas.ogf.org/occi/infrastructure#";
    private readonly Lock _gate = new();

    public int Answered;
    /// <summary>Acknowledged requests by kind of change ("create storage", "delete", ...).</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, int> Acked { get; } = new();

    private void Count(string what) => Acked.AddOrUpdate(what, 1, (_, n) => n + 1);

    public async Task RunAsync(int worker, Random rng, CancellationToken stop)
    {
        var n = 0;
        while (!stop.IsCancellationRequested)
        {
            n++;
            List<Tracked> mine;
            lock (_gate) mine = model.Where(t => t.Owner == worker && t.Present && t.InFlight is null).ToList();
            var storages = mine.Where(t => t.Kind == "storage").ToList();
            var computes = mine.Where(t => t.Kind == "compute").ToList();
            var networks = mine.Where(t => t.Kind == "network").ToList();
            var roll = rng.Next(100);
            try
            {
                if (roll < 28 || mine.Count == 0) await CreateStorageAsync(worker, rng);
                else if (roll < 38) await CreateComputeAsync(worker);
                else if (roll < 46 && storages.Count > 0 && computes.Count > 0)
                    await CreateLinkAsync(worker, computes[rng.Next(computes.Count)], storages[rng.Next(storages.Count)]);
                else if (roll < 50 && withNetworks) await CreateNetworkAsync(worker);
                else if (roll < 55 && networks.Count > 0 && computes.Count > 0)
                    await CreateInterfaceAsync(worker, computes[rng.Next(computes.Count)], networks[rng.Next(networks.Count)]);
                else if (roll < 64) await UpdateTitleAsync(mine[rng.Next(mine.Count)], $"w{worker}-{n}");
                else if (roll < 76 && storages.Count > 0) await StorageActionAsync(storages[rng.Next(storages.Count)], rng);
                else if (roll < 92) await DeleteAsync(mine[rng.Next(mine.Count)]);
                else await CreateMixinAsync(worker, n);
                Interlocked.Increment(ref Answered);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                return; // the agent is gone: what was in flight stays marked
            }
        }
    }

    private static StringContent Body(params string[] lines)
    {
        var c = new StringContent(string.Join("\r\n", lines) + "\r\n", Encoding.UTF8);
        c.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/plain");
        return c;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, StringContent? body)
    {
        var req = new HttpRequestMessage(method, path) { Content = body };
        req.Headers.TryAddWithoutValidation("Accept", "text/plain");
        return await client.SendAsync(req);
    }

    private Tracked Track(string kind, int worker, Tracked? source = null, Tracked? target = null)
    {
        var t = new Tracked(Guid.NewGuid().ToString("D"), kind, worker) { InFlight = "create", Source = source, Target = target };
        lock (_gate) model.Add(t);
        return t;
    }

    private void Settle(Tracked t, HttpResponseMessage r, HttpStatusCode ok, Action apply)
    {
        var what = t.InFlight switch
        {
            "create" => "create " + t.Kind,
            "delete" => "delete",
            { } f when f.StartsWith("title:", StringComparison.Ordinal) => "update",
            _ => "action",
        };
        lock (_gate)
        {
            if (r.StatusCode == ok)
            {
                apply();
                Count(what);
            }
            t.InFlight = null;
        }
        if ((int)r.StatusCode >= 500)
            throw new InvalidOperationException($"{t.Path}: {(int)r.StatusCode} {r.Content.ReadAsStringAsync().Result}");
    }

    private async Task CreateStorageAsync(int worker, Random rng)
    {
        var t = Track("storage", worker);
        var title = $"s{worker}";
        var r = await SendAsync(HttpMethod.Post, "/storage/", Body(
            $"Category: storage; scheme=\"{Infra}\"; class=\"kind\"",
            $"X-OCCI-Attribute: occi.core.id=\"{t.Id}\"",
            $"X-OCCI-Attribute: occi.core.title=\"{title}\"",
            $"X-OCCI-Attribute: occi.storage.size={(rng.Next(2) == 0 ? "0.01" : "0.02")}"));
        Settle(t, r, HttpStatusCode.Created, () => { t.Present = true; t.Title = title; t.StorageState = "online"; });
    }

    private async Task CreateComputeAsync(int worker)
    {
        var t = Track("compute", worker);
        var title = $"c{worker}";
        var r = await SendAsync(HttpMethod.Post, "/compute/", Body(
            $"Category: compute; scheme=\"{Infra}\"; class=\"kind\"", osTpl,
            $"X-OCCI-Attribute: occi.core.id=\"{t.Id}\"",
            $"X-OCCI-Attribute: occi.core.title=\"{title}\""));
        Settle(t, r, HttpStatusCode.Created, () => { t.Present = true; t.Title = title; });
    }

    private async Task CreateLinkAsync(int worker, Tracked compute, Tracked storage)
    {
        var t = Track("storagelink", worker, compute, storage);
        var r = await SendAsync(HttpMethod.Post, "/storagelink/", Body(
            $"Category: storagelink; scheme=\"{Infra}\"; class=\"kind\"",
            $"X-OCCI-Attribute: occi.core.id=\"{t.Id}\"",
            $"X-OCCI-Attribute: occi.core.source=\"{compute.Path}\"",
            $"X-OCCI-Attribute: occi.core.target=\"{storage.Path}\""));
        Settle(t, r, HttpStatusCode.Created, () => t.Present = true);
    }

    /// <summary>A compute of the busybox test guest, booted (QEMU keeps running across agent
    /// kills by design; the restarted agent must reattach it). Throws unless acknowledged.</summary>
    public async Task BootAsync(int worker, string guestTpl)
    {
        var t = Track("compute", worker);
        var r = await SendAsync(HttpMethod.Post, "/compute/", Body(
            $"Category: compute; scheme=\"{Infra}\"; class=\"kind\"", guestTpl,
            $"X-OCCI-Attribute: occi.core.id=\"{t.Id}\"", "X-OCCI-Attribute: occi.core.title=\"booted\""));
        Settle(t, r, HttpStatusCode.Created, () => { t.Present = true; t.Title = "booted"; });
        lock (_gate) t.InFlight = "action";
        var start = await SendAsync(HttpMethod.Post, t.Path + "?action=start", Body(
            "Category: start; scheme=\"http://schemas.ogf.org/occi/infrastructure/compute/action#\"; class=\"action\""));
        Settle(t, start, HttpStatusCode.OK, () => t.Running = true);
        if (!t.Running) throw new InvalidOperationException($"starting {t.Path}: {(int)start.StatusCode} {await start.Content.ReadAsStringAsync()}");
    }

    /// <summary>A network is a bridge (static: no DHCP server).</summary>
    private async Task CreateNetworkAsync(int worker)
    {
        var t = Track("network", worker);
        var title = $"n{worker}";
        var r = await SendAsync(HttpMethod.Post, "/network/", Body(
            $"Category: network; scheme=\"{Infra}\"; class=\"kind\"",
            $"X-OCCI-Attribute: occi.core.id=\"{t.Id}\"",
            $"X-OCCI-Attribute: occi.core.title=\"{title}\""));
        Settle(t, r, HttpStatusCode.Created, () => { t.Present = true; t.Title = title; });
    }

    /// <summary>A networkinterface is a tap on the network's bridge.</summary>
    private async Task CreateInterfaceAsync(int worker, Tracked compute, Tracked network)
    {
        var t = Track("networkinterface", worker, compute, network);
        var r = await SendAsync(HttpMethod.Post, "/networkinterface/", Body(
            $"Category: networkinterface; scheme=\"{Infra}\"; class=\"kind\"",
            $"X-OCCI-Attribute: occi.core.id=\"{t.Id}\"",
            $"X-OCCI-Attribute: occi.core.source=\"{compute.Path}\"",
            $"X-OCCI-Attribute: occi.core.target=\"{network.Path}\""));
        Settle(t, r, HttpStatusCode.Created, () => t.Present = true);
    }

    private async Task UpdateTitleAsync(Tracked t, string title)
    {
        lock (_gate) t.InFlight = "title:" + title;
        var r = await SendAsync(HttpMethod.Post, t.Path, Body($"X-OCCI-Attribute: occi.core.title=\"{title}\""));
        Settle(t, r, HttpStatusCode.OK, () => t.Title = title);
    }

    private async Task StorageActionAsync(Tracked t, Random rng)
    {
        var action = rng.Next(10) switch { < 4 => "offline", < 8 => "online", 8 => "snapshot", _ => "backup" };
        lock (_gate) t.InFlight = action is "online" or "offline" ? "state:" + action : "action";
        var r = await SendAsync(HttpMethod.Post, $"{t.Path}?action={action}", Body(
            $"Category: {action}; scheme=\"http://schemas.ogf.org/occi/infrastructure/storage/action#\"; class=\"action\""));
        Settle(t, r, HttpStatusCode.OK, () => { if (action is "online" or "offline") t.StorageState = action; });
    }

    private async Task DeleteAsync(Tracked t)
    {
        lock (_gate) t.InFlight = "delete";
        var r = await SendAsync(HttpMethod.Delete, t.Path, null);
        Settle(t, r, HttpStatusCode.OK, () => t.Present = false);
    }

    private async Task CreateMixinAsync(int worker, int n)
    {
        var m = new TrackedMixin($"crash-w{worker}-{Guid.NewGuid().ToString("N")[..8]}-{n}") { InFlight = true };
        lock (_gate) mixins.Add(m);
        var r = await SendAsync(HttpMethod.Post, "/-/", Body(
            $"Category: {m.Term}; scheme=\"http://crash.test/tags#\"; class=\"mixin\"; location=\"/crash/{m.Term}/\""));
        lock (_gate)
        {
            m.InFlight = false;
            m.Present = r.StatusCode == HttpStatusCode.OK;
        }
        if (m.Present) Count("user mixin");
        if ((int)r.StatusCode >= 500) throw new InvalidOperationException($"POST /-/: {(int)r.StatusCode}");
    }
}
