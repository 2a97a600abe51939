using System.Net;
using System.Text.Json;
using OcciAgent.Tests.Http;

namespace OcciAgent.Tests.Vms;

/// <summary>The /host and console extension endpoints, without booting anything.</summary>
[Trait("Category", "Integration")]
public sealed class HostEndpointTests : AgentTestBase
{
    [Fact]
    public async Task Host_ReportsQemuAndTheAcceleratorWithItsReason()
    {
        var text = await GetTextAsync("/host");
        Assert.Contains("vms.available: true", text);
        Assert.Matches(@"qemu.version: \d+\.\d+", text);
        Assert.Matches(@"accelerator: (tcg|kvm)\n", text);
        Assert.Contains("launcher: daemon", text);
        // No system bus on the test machine: dnsmasq's lease signals come over the agent's private bus.
        Assert.Matches(@"dhcp: private bus unix:path=\S+/bus\.sock", text);
        var json = await Agent.SendAsync(HttpMethod.Get, "/host", accept: "application/json");
        using var doc = JsonDocument.Parse(await json.BodyAsync());
        Assert.False(string.IsNullOrEmpty(doc.RootElement.GetProperty("accelerator.reason").GetString()));
        var put = await Agent.SendAsync(HttpMethod.Put, "/host", "x");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, put.StatusCode);
        Assert.Equal("GET, HEAD", put.Content.Headers.Allow.Count > 0 ? string.Join(", ", put.Content.Headers.Allow) : put.Header("Allow"));
    }

    [Fact]
    public async Task Console_OfAnUnknownComputeIs404AndBadInputIs400()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await Agent.SendAsync(HttpMethod.Get, "/compute/nope/console")).StatusCode);
        var path = await CreateAsync("/compute/", ComputeKind);
        var empty = await Agent.SendAsync(HttpMethod.Get, path + "/console", accept: null);
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        Assert.Equal("", await empty.BodyAsync());
        var bad = await Agent.SendAsync(HttpMethod.Get, path + "/console?bytes=-3");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("bytes", await bad.BodyAsync());
        var typed = await Agent.SendAsync(HttpMethod.Post, path + "/console", "ls\n");
        Assert.Equal(HttpStatusCode.Conflict, typed.StatusCode);
        Assert.Contains("not running", await typed.BodyAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await Agent.SendAsync(HttpMethod.Post, path + "/console", "")).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await Agent.SendAsync(HttpMethod.Delete, path + "/console")).StatusCode);
        // The OCCI entity itself is unaffected by the extension path.
        Assert.Equal(HttpStatusCode.OK, (await Agent.SendAsync(HttpMethod.Get, path)).StatusCode);
    }
}
