using System.Net;
using OcciAgent.Tests.Http;

namespace OcciAgent.Tests.Vms;

/// <summary>Issue #3 item 6: storagelinks are virtio disks, at boot or hot-plugged, and the
/// guest sees them come and go.</summary>
public sealed class VmDiskTests : VmTestBase
{
    private Task<string> StorageAsync() => CreateAsync("/storage/", StorageKind, "X-OCCI-Attribute: occi.storage.size=0.0625");

    private Task<HttpResponseMessage> LinkAsync(string compute, string storage) =>
        Agent.SendAsync(HttpMethod.Post, "/storagelink/", Lines(StorageLinkKind,
            $"X-OCCI-Attribute: occi.core.source=\"{compute}\"", $"X-OCCI-Attribute: occi.core.target=\"{storage}\""));

    [Fact]
    public async Task A_storage_linked_before_boot_is_a_disk_at_boot()
    {
        var storage = await StorageAsync();
        var path = await CreateGuestAsync();
        Assert.Equal(HttpStatusCode.Created, (await LinkAsync(path, storage)).StatusCode);
        await BootAsync(path);
        await WaitForConsoleAsync(path, "OCCI-TEST-GUEST: disks vda vdb", 1, EventTimeout);
    }

    [Fact]
    public async Task Linking_to_a_running_compute_hot_plugs_and_deleting_the_link_unplugs()
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

    /// <summary>qemu-img on a volume QEMU has open would hit its lock (or corrupt the guest's disk).</summary>
    [Fact]
    public async Task A_storage_in_use_by_a_running_vm_refuses_resize_and_snapshot()
    {
        var storage = await StorageAsync();
        var path = await CreateGuestAsync();
        Assert.Equal(HttpStatusCode.Created, (await LinkAsync(path, storage)).StatusCode);
        await BootAsync(path);
        var resize = await Agent.SendAsync(HttpMethod.Post, storage, Lines("X-OCCI-Attribute: occi.storage.size=0.125"));
        Assert.Equal(HttpStatusCode.Conflict, resize.StatusCode);
        Assert.Contains("in use by the running compute", await resize.BodyAsync());
        var snapshot = await Agent.SendAsync(HttpMethod.Post, storage + "?action=snapshot",
            Lines("Category: snapshot; scheme=\"http://schemas.ogf.org/occi/infrastructure/storage/action#\"; class=\"action\""));
        Assert.Equal(HttpStatusCode.Conflict, snapshot.StatusCode);
        await ActOkAsync(path, "stop", "poweroff");
        resize = await Agent.SendAsync(HttpMethod.Post, storage, Lines("X-OCCI-Attribute: occi.storage.size=0.125"));
        Assert.Equal(HttpStatusCode.OK, resize.StatusCode);
    }

    [Fact]
    public async Task An_offline_storage_cannot_be_linked()
    {
        var storage = await StorageAsync();
        Assert.Equal(HttpStatusCode.OK, (await Agent.SendAsync(HttpMethod.Post, storage + "?action=offline",
            Lines("Category: offline; scheme=\"http://schemas.ogf.org/occi/infrastructure/storage/action#\"; class=\"action\""))).StatusCode);
        var r = await LinkAsync(await CreateGuestAsync(), storage);
        Assert.Equal(HttpStatusCode.Conflict, r.StatusCode);
        Assert.Contains("offline", await r.BodyAsync());
    }

    [Fact]
    public async Task The_disks_of_a_hibernated_compute_cannot_change()
    {
        var storage = await StorageAsync();
        var path = await CreateGuestAsync();
        await BootAsync(path);
        await ActOkAsync(path, "suspend", "hibernate");
        var r = await LinkAsync(path, storage);
        Assert.Equal(HttpStatusCode.Conflict, r.StatusCode);
        Assert.Contains("hibernated", await r.BodyAsync());
        Assert.Empty((await GetTextAsync("/storagelink/")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries));
    }
}
