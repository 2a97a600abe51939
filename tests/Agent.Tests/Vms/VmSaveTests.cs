using System.Net;
using OcciAgent.Tests.Http;

namespace OcciAgent.Tests.Vms;

/// <summary>The compute save action: the root disk becomes a new os_tpl that new computes boot
/// from. The guest's boot counter lives on the root disk, so a compute made from the saved
/// image counts on from where the original was.</summary>
[Trait("Category", "Vm")]
public sealed class VmSaveTests : VmTestBase
{
    private const string OsTplScheme = "http://node.test/occi/infrastructure/os_tpl#";

    private async Task BootFromAsync(string term, int expectedCount)
    {
        var copy = await CreateAsync("/compute/", ComputeKind, $"Category: {term}; scheme=\"{OsTplScheme}\"; class=\"mixin\"",
            "X-OCCI-Attribute: occi.compute.memory=0.125");
        await BootAsync(copy);
        Assert.Contains($"OCCI-TEST-GUEST: boot-count {expectedCount}", await ConsoleAsync(copy));
        await ActOkAsync(copy, "stop", "poweroff");
    }

    [Fact]
    public async Task Save_HotCapturesARunningVmAsANewOsTpl()
    {
        var path = await CreateGuestAsync();
        await BootAsync(path);
        var body = await ActOkAsync(path, "save", "hot", "X-OCCI-Attribute: name=\"golden web\"");
        // GFD.224 §3.1: the response is the rendering of the new OS template mixin.
        Assert.StartsWith($"Category: golden_web; scheme=\"{OsTplScheme}\"; class=\"mixin\"", body);
        Assert.Contains("rel=\"http://schemas.ogf.org/occi/infrastructure#os_tpl\"", body);
        Assert.Equal("active", await StateAsync(path));
        Assert.True(File.Exists(Path.Combine(Agent.StateDir, "images", "golden_web.qcow2")));
        Assert.Null(AgentServer.BackingFile(Path.Combine(Agent.StateDir, "images", "golden_web.qcow2")));
        Assert.Contains($"Category: golden_web; scheme=\"{OsTplScheme}\"", await GetTextAsync("/-/"));
        await ActOkAsync(path, "stop", "poweroff");
        await BootFromAsync("golden_web", 2);
        // The name is taken now.
        var again = await ActAsync(path, "save", "hot", "X-OCCI-Attribute: name=\"golden web\"");
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task Save_DeferredCapturesAtTheNextStop()
    {
        var path = await CreateGuestAsync();
        await BootAsync(path);
        var body = await ActOkAsync(path, "save", "deferred", "X-OCCI-Attribute: name=\"later\"");
        Assert.Contains("next stops", body);
        var image = Path.Combine(Agent.StateDir, "images", "later.qcow2");
        Assert.False(File.Exists(image));
        await ActOkAsync(path, "stop", "graceful");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!File.Exists(image) && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.True(File.Exists(image), "the deferred save did not happen at the stop");
        Agent.RescanImages(); // the save publishes it a moment after the file appears
        await BootFromAsync("later", 2);
    }

    [Fact]
    public async Task Save_OfAnInactiveComputeCopiesItsDiskAtOnce()
    {
        var path = await CreateGuestAsync();
        var json = await Agent.SendAsync(HttpMethod.Post, path + "?action=save", Lines(
            $"Category: save; scheme=\"{ActionScheme}\"; class=\"action\"", "X-OCCI-Attribute: name=\"fresh\""), accept: "application/occi+json");
        var body = await json.BodyAsync();
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        Assert.Contains($"\"scheme\": \"{OsTplScheme}\"", body.Replace("\":\"", "\": \""));
        Assert.Contains("\"term\": \"fresh\"", body.Replace("\":\"", "\": \""));
        await BootFromAsync("fresh", 1);
    }

    [Fact]
    public async Task Save_WithoutARootDiskIsAConflict()
    {
        var path = await CreateAsync("/compute/", ComputeKind, "X-OCCI-Attribute: occi.compute.memory=0.125");
        var r = await ActAsync(path, "save", "hot");
        Assert.Equal(HttpStatusCode.Conflict, r.StatusCode);
        Assert.Contains("no root disk", await r.BodyAsync());
    }
}
