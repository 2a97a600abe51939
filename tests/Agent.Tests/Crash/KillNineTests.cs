using System.Diagnostics;
using OcciAgent.Store;
using Xunit.Abstractions;

namespace OcciAgent.Tests.Crash;

/// <summary>kill -9 at a random moment during concurrent creates, updates, actions and deletes
/// (README, crash consistency): after each restart of the built agent binary on the same state
/// dir nothing acknowledged is lost, nothing is orphaned, nothing is half-done, and the agent
/// serves. The schedule comes from one seed (printed; OCCI_CRASH_SEED replays it, OCCI_CRASH_ROUNDS
/// sets the rounds); the kill itself lands wherever the agent happens to be at that moment.</summary>
[Trait("Category", "Vm")]
public sealed class KillNineTests(ITestOutputHelper output)
{
    private const int Workers = 4;
    private const int BootRound = 2;

    [Fact]
    public async Task KillNine_DuringConcurrentWrites_LosesNothingAndLeavesNoOrphan()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("OCCI_CRASH_SEED"), out var s) ? s : Random.Shared.Next(1, 1_000_000);
        var rounds = int.TryParse(Environment.GetEnvironmentVariable("OCCI_CRASH_ROUNDS"), out var n) ? n : 12;
        var root = Path.Combine(Path.GetTempPath(), "occi-crash-" + Guid.NewGuid().ToString("N")[..8]);
        // In a network namespace of the test's own, so networks (bridges) and interfaces (taps) join in.
        await using var agent = new CrashAgent(root, "occi-c" + Guid.NewGuid().ToString("N")[..8]);
        var images = Path.Combine(agent.StateDir, "images");
        Directory.CreateDirectory(images);
        Http.AgentServer.QemuImg("create", "-q", "-f", "qcow2", Path.Combine(images, "tiny.qcow2"), "16M");
        Vms.TestGuest.Register(agent.StateDir);
        const string osTpl = "Category: tiny; scheme=\"http://node.test/occi/infrastructure/os_tpl#\"; class=\"mixin\"";
        var model = new List<Tracked>();
        var mixins = new List<TrackedMixin>();
        output.WriteLine($"crash test: seed {seed}, {rounds} rounds, {Workers} workers, binary {CrashAgent.Binary}");
        await agent.StartAsync();

        int lost = 0, orphans = 0, halfDone = 0;
        var acked = new Dictionary<string, int>();
        var problems = new List<string>();
        var total = Stopwatch.StartNew();
        for (var round = 1; round <= rounds; round++)
        {
            var watch = Stopwatch.StartNew();
            var rng = new Random(seed * 1000 + round);
            var killAfter = 150 + rng.Next(1500);
            var workload = new CrashWorkload(agent.Client, model, mixins, osTpl, withNetworks: true);
            // One round with a running VM: the kill leaves QEMU running; the restarted agent must
            // reattach it, and a delete cut short must not leave it running without its compute.
            if (round == BootRound) await workload.BootAsync(0, Vms.TestGuest.OsTpl);
            using var stop = new CancellationTokenSource();
            var tasks = Enumerable.Range(0, Workers).Select(w => new Random(rng.Next()))
                .Select((wr, w) => Task.Run(() => workload.RunAsync(w, wr, stop.Token))).ToList();
            await Task.Delay(killAfter);
            await agent.Kill9();
            stop.Cancel();
            await Task.WhenAll(tasks);
            var inFlight = model.Count(t => t.InFlight is not null) + mixins.Count(m => m.InFlight);
            var restart = await agent.StartAsync();
            var audit = new CrashAudit(agent, model, mixins);
            await audit.RunAsync();
            await CheckServesAsync(agent);
            lost += audit.Lost;
            orphans += audit.Orphans;
            halfDone += audit.HalfDone;
            problems.AddRange(audit.Problems.Select(p => $"round {round}: {p}"));
            foreach (var (what, count) in workload.Acked) acked[what] = acked.GetValueOrDefault(what) + count;
            output.WriteLine($"round {round}: killed after {killAfter} ms, {workload.Answered} answered, {inFlight} in flight; " +
                $"restart {restart.TotalSeconds:F2} s; lost={audit.Lost} orphan={audit.Orphans} half-done={audit.HalfDone}; " +
                $"{model.Count} entities, {mixins.Count} user mixins, {agent.Helpers("qemu-system").Count} VMs running; round {watch.Elapsed.TotalSeconds:F1} s");
        }

        // Every intent must be resolved: the agent is stopped, so the store can be opened here.
        await agent.TerminateAsync();
        int pending;
        using (StateDirLock.Acquire(agent.StateDir))
        using (var store = LiteDbEntityStore.OpenIn(agent.StateDir))
            pending = store.Intents().Count;
        output.WriteLine($"crash test total: seed {seed}, {rounds} rounds, lost={lost} orphan={orphans} half-done={halfDone} " +
            $"pending-intents={pending}, {total.Elapsed.TotalSeconds / rounds:F1} s per round");
        output.WriteLine("acknowledged: " + string.Join(", ", acked.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Value} {a.Key}")));
        Assert.True(lost + orphans + halfDone + pending == 0,
            $"seed {seed} (OCCI_CRASH_SEED={seed} replays it):\n{string.Join('\n', problems.Take(40))}\nagent log:\n{agent.Tail()}");
    }

    /// <summary>The restarted agent still creates and deletes a real volume.</summary>
    private static async Task CheckServesAsync(CrashAgent agent)
    {
        var body = new StringContent("Category: storage; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"kind\"\r\n" +
            "X-OCCI-Attribute: occi.storage.size=0.01\r\n");
        body.Headers.ContentType = new("text/plain");
        var created = await agent.Client.PostAsync("/storage/", body);
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        var path = created.Headers.Location!.AbsolutePath;
        Assert.True(File.Exists(Path.Combine(agent.StateDir, "volumes", path[9..] + ".qcow2")));
        Assert.Equal(System.Net.HttpStatusCode.OK, (await agent.Client.DeleteAsync(path)).StatusCode);
    }
}
