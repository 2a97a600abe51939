using System.Net;

namespace OcciAgent.Tests.Http;

/// <summary>Links (GFD.185, GFD.221 §5.4.3): inline at creation, standalone, rendered on the source,
/// removed with it (GFD.221 §5.4.2, GFD.185). Networks are real bridges, so these run the agent
/// in a network namespace of their own.</summary>
[Trait("Category", "Integration")]
public sealed class LinkTests : Networks.NetnsTestBase
{
    [Fact]
    public async Task InlineLinks_AreCreatedAndRenderedOnTheSource()
    {
        var storage = await CreateAsync("/storage/", StorageKind, "X-OCCI-Attribute: occi.storage.size=0.25");
        var network = await CreateAsync("/network/", NetworkKind);
        var compute = await CreateAsync("/compute/", ComputeKind,
            $"Link: <{Agent.BaseUrl}{storage}>; rel=\"{Infra}storage\"; category=\"{Infra}storagelink\"; occi.storagelink.mountpoint=\"/data\"",
            $"Link: <{network}>; rel=\"{Infra}network\"");
        var body = await GetTextAsync(compute);
        var storageLink = body.Split("\r\n").Single(l => l.StartsWith($"Link: <{storage}>"));
        Assert.Contains($"rel=\"{Infra}storage\"; self=\"/storagelink/", storageLink);
        Assert.Contains($"category=\"{Infra}storagelink\"", storageLink);
        Assert.Contains($"occi.core.source=\"{compute}\"", storageLink);
        Assert.Contains("occi.storagelink.deviceid=\"vdb\"", storageLink);
        Assert.Contains("occi.storagelink.mountpoint=\"/data\"", storageLink);
        var nic = body.Split("\r\n").Single(l => l.StartsWith($"Link: <{network}>"));
        Assert.Contains($"category=\"{Infra}networkinterface\"", nic);
        Assert.Matches("occi.networkinterface.mac=\"52:54:00:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}\"", nic);
        Assert.Equal(2, (await GetTextAsync("/link/")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task StandaloneLink_NeedsExistingSourceAndTarget()
    {
        var storage = await CreateAsync("/storage/", StorageKind, "X-OCCI-Attribute: occi.storage.size=0.25");
        var compute = await CreateAsync("/compute/", ComputeKind);
        var missing = await Agent.SendAsync(HttpMethod.Post, "/storagelink/", Lines(StorageLinkKind,
            $"X-OCCI-Attribute: occi.core.source=\"{compute}\"", "X-OCCI-Attribute: occi.core.target=\"/storage/nope\""));
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("/storage/nope", await missing.BodyAsync());
        var wrongKind = await Agent.SendAsync(HttpMethod.Post, "/storagelink/", Lines(StorageLinkKind,
            $"X-OCCI-Attribute: occi.core.source=\"{compute}\"", $"X-OCCI-Attribute: occi.core.target=\"{compute}\""));
        Assert.Equal(HttpStatusCode.BadRequest, wrongKind.StatusCode);

        var link = await CreateAsync("/storagelink/", StorageLinkKind,
            $"X-OCCI-Attribute: occi.core.source=\"{compute}\"", $"X-OCCI-Attribute: occi.core.target=\"{Agent.BaseUrl}{storage}\"");
        var linkBody = await GetTextAsync(link);
        Assert.Equal($"\"{storage}\"", Attr(linkBody, "occi.core.target"));
        Assert.Equal($"\"{Infra}compute\"", Attr(linkBody, "occi.core.source.kind"));
        Assert.Contains($"Link: <{storage}>", await GetTextAsync(compute));

        // One writer per volume: a second link to the same storage conflicts.
        var other = await CreateAsync("/compute/", ComputeKind);
        var twice = await Agent.SendAsync(HttpMethod.Post, "/storagelink/", Lines(StorageLinkKind,
            $"X-OCCI-Attribute: occi.core.source=\"{other}\"", $"X-OCCI-Attribute: occi.core.target=\"{storage}\""));
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
    }

    [Fact]
    public async Task DeletingTheSource_DeletesItsLinksButNotTheTarget()
    {
        var storage = await CreateAsync("/storage/", StorageKind, "X-OCCI-Attribute: occi.storage.size=0.25");
        var compute = await CreateAsync("/compute/", ComputeKind, $"Link: <{storage}>; rel=\"{Infra}storage\"; category=\"{Infra}storagelink\"");
        Assert.Single((await GetTextAsync("/storagelink/")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(HttpStatusCode.OK, (await Agent.SendAsync(HttpMethod.Delete, compute)).StatusCode);
        Assert.Equal("", (await GetTextAsync("/storagelink/")).Trim());
        Assert.Equal(HttpStatusCode.OK, (await Agent.SendAsync(HttpMethod.Get, storage)).StatusCode);
        Assert.True(File.Exists(Agent.VolumePath(storage[9..])));
    }

    [Fact]
    public async Task LinkLinesInPut_Are400AndLinksKept()
    {
        var storage = await CreateAsync("/storage/", StorageKind, "X-OCCI-Attribute: occi.storage.size=0.25");
        var compute = await CreateAsync("/compute/", ComputeKind, $"Link: <{storage}>; rel=\"{Infra}storage\"; category=\"{Infra}storagelink\"");
        var r = await Agent.SendAsync(HttpMethod.Put, compute, Lines(ComputeKind, $"Link: <{storage}>; rel=\"{Infra}storage\""));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        var ok = await Agent.SendAsync(HttpMethod.Put, compute, Lines(ComputeKind, "X-OCCI-Attribute: occi.core.title=\"t\""));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Contains($"Link: <{storage}>", await ok.BodyAsync());
    }

    [Fact]
    public async Task PartialUpdate_WithLink_AddsIt()
    {
        var network = await CreateAsync("/network/", NetworkKind);
        var compute = await CreateAsync("/compute/", ComputeKind);
        var r = await Agent.SendAsync(HttpMethod.Post, compute, Lines($"Link: <{network}>; rel=\"{Infra}network\"; category=\"{Infra}networkinterface\""));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Contains($"Link: <{network}>", await r.BodyAsync());
    }
}
