using System.Net;
using OcciAgent.Occi.Model;
using OcciAgent.Store;
using OcciAgent.Tests.Http;
using OcciAgent.Tests.Store;

namespace OcciAgent.Tests.Services;

/// <summary>Start-up recovery, point by point (README, crash consistency): each test stops the
/// agent, leaves in its state dir exactly what a kill at one point between intent, host effect
/// and store leaves (the intent in the real LiteDB file, real qcow2 files), and starts it again.
/// KillNineTests reaches the same points with real SIGKILLs at random moments.</summary>
[Trait("Category", "Integration")]
public sealed class CrashRecoveryTests : AgentTestBase
{
    private const string OsTpl = "Category: tiny; scheme=\"http://node.test/occi/infrastructure/os_tpl#\"; class=\"mixin\"";

    protected override void BeforeStart(AgentServer server) => AddImage(server, "tiny", "16M");

    private void WithStore(Action<LiteDbEntityStore> work)
    {
        using var stateLock = StateDirLock.Acquire(Agent.StateDir);
        using var store = LiteDbEntityStore.OpenIn(Agent.StateDir);
        work(store);
    }

    private IReadOnlyList<HostIntent> IntentsAfterStop()
    {
        IReadOnlyList<HostIntent> intents = [];
        WithStore(s => intents = s.Intents());
        return intents;
    }

    private async Task<HttpStatusCode> StatusAsync(string path) => (await Agent.SendAsync(HttpMethod.Get, path)).StatusCode;

    [Fact]
    public async Task Start_CreateKilledAfterQemuImg_RemovesTheVolumeAndTheIntent()
    {
        await Agent.StopAsync();
        var id = Guid.NewGuid().ToString("D");
        WithStore(s => s.SaveIntent(new HostIntent(IntentOp.Create, Samples.Entity(id, Samples.Storage, null, ("occi.storage.size", OcciValue.Float(0.01))))));
        AgentServer.QemuImg("create", "-q", "-f", "qcow2", Agent.VolumePath(id), "10M");

        await Agent.StartAgainAsync();

        Assert.False(File.Exists(Agent.VolumePath(id)));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync("/storage/" + id));
        await Agent.StopAsync();
        Assert.Empty(IntentsAfterStop());
        await Agent.StartAgainAsync();
    }

    [Fact]
    public async Task Start_ComputeCreateKilledAfterOverlay_RemovesTheVmDirectory()
    {
        await Agent.StopAsync();
        var id = Guid.NewGuid().ToString("D");
        WithStore(s => s.SaveIntent(new HostIntent(IntentOp.Create, Samples.Vm(id))));
        Directory.CreateDirectory(Agent.VmDir(id));
        AgentServer.QemuImg("create", "-q", "-f", "qcow2", Path.Combine(Agent.VmDir(id), "root.qcow2"), "16M");

        await Agent.StartAgainAsync();

        Assert.False(Directory.Exists(Agent.VmDir(id)));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync("/compute/" + id));
    }

    /// <summary>The half-done delete a kill used to leave: the volume was removed, the store never
    /// heard of it, and the storage stayed in state error for ever.</summary>
    [Fact]
    public async Task Start_DeleteKilledAfterVolumeRemoval_FinishesTheDeleteWithItsLinks()
    {
        var storage = await CreateAsync("/storage/", StorageKind, "X-OCCI-Attribute: occi.storage.size=0.01");
        var compute = await CreateAsync("/compute/", ComputeKind, OsTpl);
        var link = await CreateAsync("/storagelink/", StorageLinkKind,
            $"X-OCCI-Attribute: occi.core.source=\"{compute}\"", $"X-OCCI-Attribute: occi.core.target=\"{storage}\"");
        var storageId = storage[9..];
        await Agent.StopAsync();
        WithStore(s => s.Transaction(tx =>
        {
            foreach (var e in new[] { s.Get(storageId)!, s.Get(link[13..])! }) tx.SaveIntent(new HostIntent(IntentOp.Delete, e));
        }));
        File.Delete(Agent.VolumePath(storageId));

        await Agent.StartAgainAsync();

        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(storage));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(link));
        Assert.Equal("\"inactive\"", Attr(await GetTextAsync(compute), "occi.compute.state"));
        await Agent.StopAsync();
        Assert.Empty(IntentsAfterStop());
        await Agent.StartAgainAsync();
    }

    [Fact]
    public async Task Start_DeleteKilledBeforeAnyHostEffect_FinishesIt()
    {
        var compute = await CreateAsync("/compute/", ComputeKind, OsTpl);
        var id = compute[9..];
        await Agent.StopAsync();
        WithStore(s => s.SaveIntent(new HostIntent(IntentOp.Delete, s.Get(id)!)));

        await Agent.StartAgainAsync();

        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(compute));
        Assert.False(Directory.Exists(Agent.VmDir(id)));
    }

    [Fact]
    public async Task Start_CreateIntentWhoseEntityWasStored_KeepsTheEntity()
    {
        // Cannot arise from one request (storing and clearing are one transaction); an intent
        // written by hand must still never remove what the store says exists.
        var storage = await CreateAsync("/storage/", StorageKind, "X-OCCI-Attribute: occi.storage.size=0.01");
        var id = storage[9..];
        await Agent.StopAsync();
        WithStore(s => s.SaveIntent(new HostIntent(IntentOp.Create, s.Get(id)!)));

        await Agent.StartAgainAsync();

        Assert.Equal("\"online\"", Attr(await GetTextAsync(storage), "occi.storage.state"));
        Assert.True(File.Exists(Agent.VolumePath(id)));
        await Agent.StopAsync();
        Assert.Empty(IntentsAfterStop());
        await Agent.StartAgainAsync();
    }

    [Fact]
    public async Task Start_OrphansWithoutIntent_AreRemoved_UserFilesAreKept()
    {
        var kept = await CreateAsync("/storage/", StorageKind, "X-OCCI-Attribute: occi.storage.size=0.01");
        await Agent.StopAsync();
        var volumes = Path.Combine(Agent.StateDir, "volumes");
        var images = Path.Combine(Agent.StateDir, "images");
        var orphanVolume = Agent.VolumePath(Guid.NewGuid().ToString("D"));
        AgentServer.QemuImg("create", "-q", "-f", "qcow2", orphanVolume, "10M");
        var orphanVm = Agent.VmDir(Guid.NewGuid().ToString("D"));
        Directory.CreateDirectory(orphanVm);
        File.WriteAllText(Path.Combine(orphanVm, "root.qcow2"), "");
        Directory.CreateDirectory(Path.Combine(volumes, "backups"));
        var partials = new[] { Path.Combine(images, ".saved-1.partial"), Path.Combine(volumes, "backups", ".x-1.partial") };
        foreach (var p in partials) File.WriteAllText(p, "");
        var userFiles = new[]
        {
            Path.Combine(volumes, "notes.txt"), Path.Combine(volumes, "not an id.qcow2"),
            Path.Combine(volumes, "backups", kept[9..] + "-20260101T000000000.qcow2"), Path.Combine(images, "mine.json"),
            Path.Combine(Agent.StateDir, "vms", "README"),
        };
        foreach (var f in userFiles) File.WriteAllText(f, "user data");
        var userDir = Path.Combine(Agent.StateDir, "vms", ".keep");
        Directory.CreateDirectory(userDir);

        await Agent.StartAgainAsync();

        Assert.False(File.Exists(orphanVolume));
        Assert.False(Directory.Exists(orphanVm));
        Assert.All(partials, p => Assert.False(File.Exists(p), p));
        Assert.All(userFiles, f => Assert.True(File.Exists(f), f));
        Assert.True(Directory.Exists(userDir));
        Assert.True(File.Exists(Agent.VolumePath(kept[9..])));
        Assert.True(File.Exists(Path.Combine(images, "tiny.qcow2")));
    }

    [Fact]
    public async Task Start_ResizeKilledBeforeStore_StoresTheVolumesSize()
    {
        var storage = await CreateAsync("/storage/", StorageKind, "X-OCCI-Attribute: occi.storage.size=0.01");
        var id = storage[9..];
        await Agent.StopAsync();
        AgentServer.QemuImg("resize", "-q", Agent.VolumePath(id), "20M");

        await Agent.StartAgainAsync();
        await Agent.StopAsync();

        double size = 0;
        WithStore(s => size = s.Get(id)!.Get("occi.storage.size")!.Value.AsDouble);
        Assert.Equal(20.0 / 1024, size, 9);
        await Agent.StartAgainAsync();
    }
}
