using System.Net;

namespace OcciAgent.Tests.Http;

/// <summary>Storage entities are real qcow2 volumes, checked with qemu-img
/// independently of the agent.</summary>
[Trait("Category", "Integration")]
public sealed class StorageTests : AgentTestBase
{
    private const long GiB = 1024L * 1024 * 1024;

    [Fact]
    public async Task Post_Storage_CreatesQcow2VolumeOfThatSize()
    {
        var r = await Agent.SendAsync(HttpMethod.Post, "/storage/", Lines(StorageKind, "X-OCCI-Attribute: occi.storage.size=1.5", "X-OCCI-Attribute: occi.core.title=\"data\""));
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        var location = r.Headers.Location!;
        Assert.True(location.IsAbsoluteUri);
        Assert.Equal($"X-OCCI-Location: {location}", (await r.BodyAsync()).Trim());
        var id = location.AbsolutePath["/storage/".Length..];
        Assert.Equal(3 * GiB / 2, AgentServer.VirtualSize(Agent.VolumePath(id)));

        var body = await GetTextAsync(location.AbsolutePath);
        Assert.Equal("1.5", Attr(body, "occi.storage.size"));
        Assert.Equal("\"online\"", Attr(body, "occi.storage.state"));
        Assert.Equal($"\"{id}\"", Attr(body, "occi.core.id"));
        Assert.Contains($"Link: <{location.AbsolutePath}?action=offline>; rel=\"http://schemas.ogf.org/occi/infrastructure/storage/action#offline\"", body);
    }

    [Fact]
    public async Task PostUpdate_LargerSize_GrowsTheVolume()
    {
        var path = await CreateAsync("/storage/", StorageKind, "X-OCCI-Attribute: occi.storage.size=1");
        var r = await Agent.SendAsync(HttpMethod.Post, path, Lines("X-OCCI-Attribute: occi.storage.size=2"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("2.0", Attr(await r.BodyAsync(), "occi.storage.size"));
        Assert.Equal(2 * GiB, AgentServer.VirtualSize(Agent.VolumePath(path[9..])));
    }

    [Fact]
    public async Task PostUpdate_SmallerSize_IsRefusedAndVolumeUnchanged()
    {
        var path = await CreateAsync("/storage/", StorageKind, "X-OCCI-Attribute: occi.storage.size=2");
        var r = await Agent.SendAsync(HttpMethod.Post, path, Lines("X-OCCI-Attribute: occi.storage.size=1"));
        Assert.Equal(HttpStatusCode.Conflict, r.StatusCode);
        Assert.Contains("shrinking", await r.BodyAsync());
        Assert.Equal(2 * GiB, AgentServer.VirtualSize(Agent.VolumePath(path[9..])));
        Assert.Equal("2.0", Attr(await GetTextAsync(path), "occi.storage.size"));
    }

    [Fact]
    public async Task Actions_OfflineThenOnline_ChangeStateAndOnlyApplicableActionsShow()
    {
        var path = await CreateAsync("/storage/", StorageKind, "X-OCCI-Attribute: occi.storage.size=0.5");
        var r = await Agent.SendAsync(HttpMethod.Post, path + "?action=offline",
            Lines("Category: offline; scheme=\"http://schemas.ogf.org/occi/infrastructure/storage/action#\"; class=\"action\""));
        var body = await r.BodyAsync();
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("\"offline\"", Attr(body, "occi.storage.state"));
        Assert.Contains("?action=online>", body);
        Assert.DoesNotContain("?action=offline>", body);

        var again = await Agent.SendAsync(HttpMethod.Post, path + "?action=offline", "");
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("not applicable", await again.BodyAsync());

        var online = await Agent.SendAsync(HttpMethod.Post, path + "?action=online", "");
        Assert.Equal("\"online\"", Attr(await online.BodyAsync(), "occi.storage.state"));
    }

    [Fact]
    public async Task LegacyActions_ResizeAndSnapshotAndBackup_UseQemuImg()
    {
        var path = await CreateAsync("/storage/", StorageKind, "X-OCCI-Attribute: occi.storage.size=1");
        var id = path[9..];
        var resize = await Agent.SendAsync(HttpMethod.Post, path + "?action=resize", Lines("X-OCCI-Attribute: size=3"));
        Assert.Equal(HttpStatusCode.OK, resize.StatusCode);
        Assert.Equal(3 * GiB, AgentServer.VirtualSize(Agent.VolumePath(id)));

        var snap = await Agent.SendAsync(HttpMethod.Post, path + "?action=snapshot", "");
        Assert.Equal(HttpStatusCode.OK, snap.StatusCode);
        Assert.Contains("occi-", AgentServer.QemuImg("snapshot", "-l", "-U", Agent.VolumePath(id)));

        var backup = await Agent.SendAsync(HttpMethod.Post, path + "?action=backup", "");
        Assert.Equal(HttpStatusCode.OK, backup.StatusCode);
        var copies = Directory.GetFiles(Path.Combine(Agent.StateDir, "volumes", "backups"), id + "-*.qcow2");
        Assert.Equal(3 * GiB, AgentServer.VirtualSize(Assert.Single(copies)));
        // Written under a hidden .partial name and renamed once complete (README, crash consistency).
        Assert.Single(Directory.GetFiles(Path.Combine(Agent.StateDir, "volumes", "backups")));
    }

    [Fact]
    public async Task Delete_RemovesVolumeFileAndEntity()
    {
        var path = await CreateAsync("/storage/", StorageKind, "X-OCCI-Attribute: occi.storage.size=0.25");
        Assert.True(File.Exists(Agent.VolumePath(path[9..])));
        var r = await Agent.SendAsync(HttpMethod.Delete, path);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.False(File.Exists(Agent.VolumePath(path[9..])));
        Assert.Equal(HttpStatusCode.NotFound, (await Agent.SendAsync(HttpMethod.Get, path)).StatusCode);
    }

    [Fact]
    public async Task Post_StorageWithOsTpl_IsOverlayOnTheImageSizedLikeIt()
    {
        AddImage(Agent, "base", "96M");
        var path = await CreateAsync("/storage/", StorageKind,
            "Category: base; scheme=\"http://node.test/occi/infrastructure/os_tpl#\"; class=\"mixin\"");
        var volume = Agent.VolumePath(path[9..]);
        Assert.Equal(Path.Combine(Agent.StateDir, "images", "base.qcow2"), AgentServer.BackingFile(volume));
        Assert.Equal(96L * 1024 * 1024, AgentServer.VirtualSize(volume));
        Assert.Contains("Category: base; scheme=\"http://node.test/occi/infrastructure/os_tpl#\"; class=\"mixin\"", await GetTextAsync(path));
    }

    [Fact]
    public async Task Post_StorageWithOsTplSmallerThanImage_Is400AndNothingCreated()
    {
        AddImage(Agent, "big", "2G");
        var r = await Agent.SendAsync(HttpMethod.Post, "/storage/", Lines(StorageKind,
            "Category: big; scheme=\"http://node.test/occi/infrastructure/os_tpl#\"; class=\"mixin\"",
            "X-OCCI-Attribute: occi.storage.size=1"));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Empty(Directory.GetFiles(Path.Combine(Agent.StateDir, "volumes")));
        Assert.Equal("", (await GetTextAsync("/storage/")).Trim());
    }

    [Fact]
    public async Task Restart_WithVolumeDeletedMeanwhile_ShowsErrorStateWithMessage()
    {
        var path = await CreateAsync("/storage/", StorageKind, "X-OCCI-Attribute: occi.storage.size=0.25");
        await Agent.StopAsync();
        File.Delete(Agent.VolumePath(path[9..]));
        await Agent.StartAgainAsync();
        var body = await GetTextAsync(path);
        Assert.Equal("\"error\"", Attr(body, "occi.storage.state"));
        Assert.Contains("is missing", Attr(body, "occi.storage.state.message"));
    }
}
