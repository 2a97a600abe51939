using OcciAgent.Hypervisor.Vm;
using OcciAgent.Tests.Kit;

namespace OcciAgent.Tests.Services;

/// <summary>Compute entities through the entity service and the real compute backend, over a
/// fake VM host: creation, the actions and the state machine of GFD.224 §3.1, refusals, and a
/// failing host leaving the stored state as it was.</summary>
[Trait("Category", "Unit")]
public sealed class ComputeBackendTests : IDisposable
{
    private readonly ServiceKit _kit = new();
    public void Dispose() => _kit.Dispose();

    [Fact]
    public async Task Create_StoresAnInactiveComputeAndBootsNothing()
    {
        var c = await _kit.CreateAsync("compute", "X-OCCI-Attribute: occi.compute.cores=2");

        Assert.Equal("inactive", _kit.Stored(c).GetString("occi.compute.state"));
        Assert.Empty(_kit.Computes.Vm(c.Id).Calls);
    }

    [Fact]
    public async Task Start_BootsTheVmWithTheEntityResourcesAndStoresActive()
    {
        var c = await _kit.CreateAsync("compute", "X-OCCI-Attribute: occi.compute.cores=2", "X-OCCI-Attribute: occi.compute.memory=0.5");

        var after = await _kit.ActAsync(c, "start");

        var vm = _kit.Computes.Vm(c.Id);
        Assert.Equal(["start"], vm.Calls);
        Assert.Equal(2, vm.LastSpec!.Cores);
        Assert.Equal(512, vm.LastSpec.MemoryMiB);
        Assert.Equal("active", after.GetString("occi.compute.state"));
        Assert.Equal("active", _kit.Stored(c).GetString("occi.compute.state"));
    }

    [Fact]
    public async Task Start_OfAnActiveComputeIsRefusedByTheStateMachine()
    {
        var c = await _kit.CreateAsync("compute");
        await _kit.ActAsync(c, "start");

        var e = await Assert.ThrowsAsync<AgentException>(() => _kit.ActAsync(c, "start"));

        Assert.Equal(AgentError.Conflict, e.Error);
        Assert.Equal(["start"], _kit.Computes.Vm(c.Id).Calls);
    }

    [Fact]
    public async Task Suspend_ThenStopMovesThroughSuspendedToInactive()
    {
        var c = await _kit.CreateAsync("compute");
        await _kit.ActAsync(c, "start");

        Assert.Equal("suspended", (await _kit.ActAsync(c, "suspend")).GetString("occi.compute.state"));
        Assert.Equal("inactive", (await _kit.ActAsync(c, "stop")).GetString("occi.compute.state"));
        Assert.Equal(["start", "pause", "poweroff"], _kit.Computes.Vm(c.Id).Calls);
    }

    [Fact]
    public async Task Graceful_StopOfAGuestIgnoringAcpiSaysItWasPoweredOff()
    {
        var c = await _kit.CreateAsync("compute");
        await _kit.ActAsync(c, "start");
        _kit.Computes.Vm(c.Id).IgnoresAcpi = true;

        var after = await _kit.ActAsync(c, "stop", "graceful");

        Assert.Equal("inactive", after.GetString("occi.compute.state"));
        Assert.Contains("did not power off", after.GetString("occi.compute.state.message"));
    }

    [Fact]
    public async Task A_FailingStartLeavesTheStoredComputeInactive()
    {
        var c = await _kit.CreateAsync("compute");
        _kit.Computes.Vm(c.Id).FailNext = new VmException(VmErrorKind.Failed, "qemu: could not open disk");

        var e = await Assert.ThrowsAsync<VmException>(() => _kit.ActAsync(c, "start"));

        Assert.Contains("could not open disk", e.Message);
        Assert.Equal("inactive", _kit.Stored(c).GetString("occi.compute.state"));
    }

    [Fact]
    public async Task Actions_Answer503WhereQemuIsUnusable()
    {
        var c = await _kit.CreateAsync("compute");
        _kit.Computes.QemuProblem = "qemu-system-x86 is not installed";

        var e = await Assert.ThrowsAsync<AgentException>(() => _kit.ActAsync(c, "start"));

        Assert.Equal(AgentError.Unavailable, e.Error);
        Assert.Contains("qemu-system-x86", e.Message);
        Assert.Empty(_kit.Computes.Vm(c.Id).Calls);
    }

    [Fact]
    public async Task Cores_OfAnActiveComputeCannotChangeButOfAnInactiveOneCan()
    {
        var c = await _kit.CreateAsync("compute", "X-OCCI-Attribute: occi.compute.cores=1");
        await _kit.ActAsync(c, "start");
        var path = _kit.PathOf(c);

        var e = await Assert.ThrowsAsync<AgentException>(() =>
            _kit.Service.UpdateAsync(path, ServiceKit.Doc("X-OCCI-Attribute: occi.compute.cores=2"), CancellationToken.None));
        Assert.True(AgentError.Conflict == e.Error, e.Message);
        Assert.Equal(1, _kit.Stored(c).Get("occi.compute.cores")!.Value.AsInteger);

        await _kit.ActAsync(c, "stop");
        await _kit.Service.UpdateAsync(path, ServiceKit.Doc("X-OCCI-Attribute: occi.compute.cores=2"), CancellationToken.None);
        Assert.Equal(2, _kit.Stored(c).Get("occi.compute.cores")!.Value.AsInteger);
    }

    [Fact]
    public async Task Delete_PowersTheVmOffAndForgetsIt()
    {
        var c = await _kit.CreateAsync("compute");
        await _kit.ActAsync(c, "start");
        var vm = _kit.Computes.Vm(c.Id);

        await _kit.Service.DeleteAsync(_kit.PathOf(c), CancellationToken.None);

        Assert.Null(_kit.Store.Get(c.Id));
        Assert.Contains("poweroff", vm.Calls);
        Assert.False(_kit.Computes.Knows(c.Id));
    }
}
