using System.Net;
using OcciAgent.Tests.Http;

namespace OcciAgent.Tests.Vms;

/// <summary>Storagelinks are virtio disks, at boot or hot-plugged, and the
/// guest sees them come and go.</summary>
[Trait("Category", "Vm")]
public sealed class VmDiskTests : VmTestBase
{
    private Task<string> StorageAsync() => CreateAsync("/storage/", StorageKind, "X-OCCI-Attribute: occi.storage.size=0.0625");

    private Task<HttpResponseMessage> LinkAsync(string compute, string storage) =>
        Agent.SendAsync(HttpMethod.Post, "/storagelink/", Lines(StorageLinkKind,
            $"X-OCCI-Attribute: occi.core.source=\"{compute}\"", $"X-OCCI-Attribute: occi.core.target=\"{storage}\""));

    [Fact]
    public async Task A_StorageLinkedBeforeBootIsADiskAtBoot()
    {
        var storage = await StorageAsync();
        var path = await CreateGuestAsync();
        Assert.Equal(HttpStatusCode.Created, (await LinkAsync(path, storage)).StatusCode);
        await BootAsync(path);
        await WaitForConsoleAsync(path, "OCCI-TEST-GUEST: disks vda vdb", 1, EventTimeout);
    }

    [Fact]
    public async Task Linking_ToARunningComputeHotPlugsAndDeletingTheLinkUnplugs()
    {
        var storage = await StorageAsync();
        var path = await CreateGuestAsync();
        await BootAsync(path);
        await WaitForConsoleAsync(path, "OCCI-TEST-GUEST: disks vda", 1, EventTimeout);
        var link = await LinkAsync(path, storage);
        Assert.Equal(HttpStatusCode.Created, link.StatusCode);
        await WaitForConsoleAsync(path, "OCCI-TEST-GUEST: disks vda vdb", 1, EventTimeout);
        var linkPath = link.LocationPath();
        Assert.Equal("\"active\"", Attr(await GetTextAsync(linkPath), "occi.storagelink.state"));
        var deleted = await Agent.SendAsync(HttpMethod.Delete, linkPath);
        Assert.True(deleted.IsSuccessStatusCode, await deleted.BodyAsync());
        await WaitForConsoleAsync(path, "OCCI-TEST-GUEST: disks vda", 2, EventTimeout);
        // The volume is free again: another compute can take it.
        Assert.Equal(HttpStatusCode.Created, (await LinkAsync(await CreateGuestAsync(), storage)).StatusCode);
    }

    /// <summary>A volume a running VM has open is locked by QEMU, so resize, snapshot and backup
    /// go through QMP; the guest sees the new size at once.</summary>
    [Fact]
    public async Task A_StorageInUseIsResizedSnapshottedAndBackedUpThroughQmp()
    {
        var storage = await StorageAsync();
        var volume = Agent.VolumePath(IdOf(storage));
        var path = await CreateGuestAsync();
        Assert.Equal(HttpStatusCode.Created, (await LinkAsync(path, storage)).StatusCode);
        await BootAsync(path);
        var resize = await Agent.SendAsync(HttpMethod.Post, storage, Lines("X-OCCI-Attribute: occi.storage.size=0.125"));
        Assert.Equal(HttpStatusCode.OK, resize.StatusCode);
        Assert.Equal(128L * 1024 * 1024, AgentServer.VirtualSize(volume));
        await Agent.SendAsync(HttpMethod.Post, path + "/console", "echo vdb-sectors=$(cat /sys/block/vdb/size)\n", accept: null);
        await WaitForConsoleAsync(path, "vdb-sectors=262144", 1, EventTimeout);
        var shrink = await Agent.SendAsync(HttpMethod.Post, storage, Lines("X-OCCI-Attribute: occi.storage.size=0.0625"));
        Assert.Equal(HttpStatusCode.Conflict, shrink.StatusCode);

        var snapshot = await Agent.SendAsync(HttpMethod.Post, storage + "?action=snapshot",
            Lines("Category: snapshot; scheme=\"http://schemas.ogf.org/occi/infrastructure/storage/action#\"; class=\"action\""));
        Assert.Equal(HttpStatusCode.OK, snapshot.StatusCode);
        Assert.Contains("occi-", AgentServer.QemuImg("snapshot", "-l", "-U", volume));
        var backup = await Agent.SendAsync(HttpMethod.Post, storage + "?action=backup",
            Lines("Category: backup; scheme=\"http://schemas.ogf.org/occi/infrastructure/storage/action#\"; class=\"action\""));
        Assert.Equal(HttpStatusCode.OK, backup.StatusCode);
        var copy = Assert.Single(Directory.GetFiles(Path.Combine(Agent.StateDir, "volumes", "backups")));
        Assert.Equal(128L * 1024 * 1024, AgentServer.VirtualSize(copy));
        Assert.Equal("active", await StateAsync(path));
    }

    [Fact]
    public async Task An_OfflineStorageCannotBeLinked()
    {
        var storage = await StorageAsync();
        Assert.Equal(HttpStatusCode.OK, (await Agent.SendAsync(HttpMethod.Post, storage + "?action=offline",
            Lines("Category: offline; scheme=\"http://schemas.ogf.org/occi/infrastructure/storage/action#\"; class=\"action\""))).StatusCode);
        var r = await LinkAsync(await CreateGuestAsync(), storage);
        Assert.Equal(HttpStatusCode.Conflict, r.StatusCode);
        Assert.Contains("offline", await r.BodyAsync());
    }

    [Fact]
    public async Task The_DisksOfAHibernatedComputeCannotChange()
    {
        var attached = await StorageAsync();
        var spare = await StorageAsync();
        var path = await CreateGuestAsync();
        var link = await LinkAsync(path, attached);
        Assert.Equal(HttpStatusCode.Created, link.StatusCode);
        await BootAsync(path);
        await ActOkAsync(path, "suspend", "hibernate");
        var r = await LinkAsync(path, spare);
        Assert.Equal(HttpStatusCode.Conflict, r.StatusCode);
        Assert.Contains("hibernated", await r.BodyAsync());
        var resize = await Agent.SendAsync(HttpMethod.Post, attached, Lines("X-OCCI-Attribute: occi.storage.size=0.125"));
        Assert.Equal(HttpStatusCode.Conflict, resize.StatusCode);
        Assert.Contains("hibernated", await resize.BodyAsync());
        var unlink = await Agent.SendAsync(HttpMethod.Delete, link.LocationPath());
        Assert.Equal(HttpStatusCode.Conflict, unlink.StatusCode);
        // Nothing changed: one link, and the guest resumes with its disks.
        Assert.Single((await GetTextAsync("/storagelink/")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries));
        await ActOkAsync(path, "start");
        Assert.Equal("active", await StateAsync(path));
    }
}
