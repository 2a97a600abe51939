using OcciAgent.Tests.Kit;

namespace OcciAgent.Tests.Services;

/// <summary>Storage links through the entity service and the real storagelink backend over a fake
/// VM host (GFD.224 §3.4.2): hot-plug into a running VM, nothing for a stopped one, refusal for a
/// hibernated one (IComputeHost.LiveVm) with nothing stored.</summary>
[Trait("Category", "Unit")]
public sealed class StorageLinkBackendTests : IDisposable
{
    private readonly ServiceKit _kit = new();
    public void Dispose() => _kit.Dispose();

    private Task<Occi.Model.Entity> LinkAsync(Occi.Model.Entity compute, Occi.Model.Entity storage) =>
        _kit.CreateAsync("storagelink",
            $"X-OCCI-Attribute: occi.core.source=\"{_kit.PathOf(compute)}\"", $"X-OCCI-Attribute: occi.core.target=\"{_kit.PathOf(storage)}\"");

    /// <summary>A storage entity as the real storage backend stores a fresh volume: online
    /// (here storage only lives in the store, see ServiceKit).</summary>
    private async Task<Occi.Model.Entity> StorageAsync()
    {
        var s = await _kit.CreateAsync("storage", "X-OCCI-Attribute: occi.storage.size=1");
        s = s.With("occi.storage.state", Occi.Model.OcciValue.Str("online"));
        _kit.Store.Upsert(s);
        return s;
    }

    [Fact]
    public async Task A_LinkToARunningComputeIsHotpluggedAndUnpluggedOnDelete()
    {
        var c = await _kit.CreateAsync("compute");
        var s = await StorageAsync();
        await _kit.ActAsync(c, "start");

        var link = await LinkAsync(c, s);

        var vm = _kit.Computes.Vm(c.Id);
        var disk = Assert.Single(vm.Disks);
        Assert.Equal(_kit.Stored(link).GetString("occi.storagelink.deviceid"), disk.DeviceId);
        Assert.Equal("active", _kit.Stored(link).GetString("occi.storagelink.state"));
        await _kit.Service.DeleteAsync(_kit.PathOf(link), CancellationToken.None);
        Assert.Empty(vm.Disks);
        Assert.Contains($"unplug-disk {disk.DeviceId}", vm.Calls);
    }

    [Fact]
    public async Task A_LinkToAStoppedComputeWaitsForTheNextBoot()
    {
        var c = await _kit.CreateAsync("compute");
        var s = await StorageAsync();

        var link = await LinkAsync(c, s);

        Assert.Equal("inactive", _kit.Stored(link).GetString("occi.storagelink.state"));
        Assert.Empty(_kit.Computes.Vm(c.Id).Calls);
    }

    [Fact]
    public async Task A_HibernatedComputeRefusesANewDiskAndNothingIsStored()
    {
        var c = await _kit.CreateAsync("compute");
        var s = await StorageAsync();
        _kit.Computes.Vm(c.Id).Become(new Hypervisor.Vm.VmStatus(Hypervisor.Vm.VmPhase.Off, Hibernated: true));

        var e = await Assert.ThrowsAsync<AgentException>(() => LinkAsync(c, s));

        Assert.Equal(AgentError.Conflict, e.Error);
        Assert.Contains("hibernated", e.Message);
        Assert.Empty(_kit.Store.LinksFrom(_kit.PathOf(c)));
        Assert.Empty(_kit.Computes.Vm(c.Id).Disks);
    }
}
