using Microsoft.Extensions.Logging.Abstractions;
using OcciAgent.Hypervisor.Vm;
using OcciAgent.Tests.Kit;
using OcciAgent.Vms;

namespace OcciAgent.Tests.Services;

/// <summary>The hosted recorder stores what a VM reports by itself (a QMP event, the process
/// ending), through the same channel the real ComputeHost writes (the end-to-end path with real
/// QEMU events: Vms/VmEventTests).</summary>
[Trait("Category", "Unit")]
public sealed class VmStatusRecorderTests : IDisposable
{
    private readonly ServiceKit _kit = new();
    public void Dispose() => _kit.Dispose();

    private async Task<string?> StoredStateWithin(Occi.Model.Entity c, string wanted)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (_kit.Stored(c).GetString("occi.compute.state") != wanted && DateTime.UtcNow < deadline) await Task.Delay(10);
        return _kit.Stored(c).GetString("occi.compute.state");
    }

    [Fact]
    public async Task A_VmThatFailsByItselfIsStoredAsErrorWithItsReason()
    {
        var c = await _kit.CreateAsync("compute");
        await _kit.ActAsync(c, "start");
        var recorder = new VmStatusRecorder(_kit.Computes.Changes, _kit.ComputeBackend, _kit.Service, NullLogger<VmStatusRecorder>.Instance);
        await recorder.StartAsync(CancellationToken.None);
        try
        {
            _kit.Computes.Vm(c.Id).Become(new VmStatus(VmPhase.Error, "QEMU exited with status 1"));

            Assert.Equal("error", await StoredStateWithin(c, "error"));
            Assert.Equal("QEMU exited with status 1", _kit.Stored(c).GetString("occi.compute.state.message"));

            _kit.Computes.Vm(c.Id).Become(VmStatus.Off);
            Assert.Equal("inactive", await StoredStateWithin(c, "inactive"));
            Assert.Null(_kit.Stored(c).GetString("occi.compute.state.message"));
        }
        finally
        {
            await recorder.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_ChangeOfADeletedComputeStoresNothing()
    {
        var c = await _kit.CreateAsync("compute");
        var vm = _kit.Computes.Vm(c.Id);
        await _kit.Service.DeleteAsync(_kit.PathOf(c), CancellationToken.None);
        var recorder = new VmStatusRecorder(_kit.Computes.Changes, _kit.ComputeBackend, _kit.Service, NullLogger<VmStatusRecorder>.Instance);
        await recorder.StartAsync(CancellationToken.None);
        var marker = await _kit.CreateAsync("compute");
        try
        {
            vm.Become(new VmStatus(VmPhase.Running));
            // Changes are recorded in order: once the later one is stored, the earlier one was handled.
            _kit.Computes.Vm(marker.Id).Become(new VmStatus(VmPhase.Running));
            Assert.Equal("active", await StoredStateWithin(marker, "active"));
            Assert.Null(_kit.Store.Get(c.Id));
        }
        finally
        {
            await recorder.StopAsync(CancellationToken.None);
        }
    }
}
