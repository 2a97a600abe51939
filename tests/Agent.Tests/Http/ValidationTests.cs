using System.Net;

namespace OcciAgent.Tests.Http;

/// <summary>Bad input gets a 400 naming the offender and changes nothing.</summary>
[Trait("Category", "Integration")]
public sealed class ValidationTests : AgentTestBase
{
    private async Task AssertRejectedAsync(string collection, HttpStatusCode status, string mustMention, params string[] lines)
    {
        var before = await GetTextAsync("/");
        var volumes = Directory.GetFiles(Path.Combine(Agent.StateDir, "volumes")).Length;
        var r = await Agent.SendAsync(HttpMethod.Post, collection, Lines(lines));
        var body = await r.BodyAsync();
        Assert.True(status == r.StatusCode, $"expected {(int)status}, got {(int)r.StatusCode}: {body}");
        Assert.Contains(mustMention, body);
        Assert.Contains("OCCI/1.2", r.Header("Server"));
        Assert.Equal(before, await GetTextAsync("/"));
        Assert.Equal(volumes, Directory.GetFiles(Path.Combine(Agent.StateDir, "volumes")).Length);
    }

    [Fact] public Task MissingRequiredSize() => AssertRejectedAsync("/storage/", HttpStatusCode.BadRequest, "occi.storage.size", StorageKind);
    [Fact] public Task UnknownAttribute() => AssertRejectedAsync("/storage/", HttpStatusCode.BadRequest, "com.example.colour", StorageKind, "X-OCCI-Attribute: occi.storage.size=1", "X-OCCI-Attribute: com.example.colour=\"red\"");
    [Fact] public Task WrongType() => AssertRejectedAsync("/compute/", HttpStatusCode.BadRequest, "occi.compute.cores", ComputeKind, "X-OCCI-Attribute: occi.compute.cores=\"many\"");
    [Fact] public Task BelowMinimum() => AssertRejectedAsync("/compute/", HttpStatusCode.BadRequest, "occi.compute.cores", ComputeKind, "X-OCCI-Attribute: occi.compute.cores=0");
    [Fact] public Task ZeroSize() => AssertRejectedAsync("/storage/", HttpStatusCode.BadRequest, "greater than 0", StorageKind, "X-OCCI-Attribute: occi.storage.size=0");
    [Fact] public Task BadEnum() => AssertRejectedAsync("/compute/", HttpStatusCode.BadRequest, "x128", ComputeKind, "X-OCCI-Attribute: occi.compute.architecture=\"x128\"");
    [Fact] public Task BadPattern() => AssertRejectedAsync("/network/", HttpStatusCode.BadRequest, "occi.network.label", NetworkKind, "X-OCCI-Attribute: occi.network.label=\"has space\"");
    [Fact] public Task VlanOutOfRange() => AssertRejectedAsync("/network/", HttpStatusCode.BadRequest, "occi.network.vlan", NetworkKind, "X-OCCI-Attribute: occi.network.vlan=4096");
    [Fact] public Task ImmutableState() => AssertRejectedAsync("/compute/", HttpStatusCode.BadRequest, "occi.compute.state", ComputeKind, "X-OCCI-Attribute: occi.compute.state=\"active\"");
    [Fact] public Task UnknownKind() => AssertRejectedAsync("/compute/", HttpStatusCode.BadRequest, "http://x.example/occi#vm", "Category: vm; scheme=\"http://x.example/occi#\"; class=\"kind\"");
    [Fact] public Task KindOfAnotherCollection() => AssertRejectedAsync("/compute/", HttpStatusCode.BadRequest, "does not belong", StorageKind, "X-OCCI-Attribute: occi.storage.size=1");
    [Fact] public Task ClassContradictsModel() => AssertRejectedAsync("/compute/", HttpStatusCode.BadRequest, "is a kind, not a mixin", $"Category: compute; scheme=\"{Infra}\"; class=\"mixin\"");
    [Fact] public Task TwoResourceTemplates() => AssertRejectedAsync("/compute/", HttpStatusCode.BadRequest, "only one resource_tpl", ComputeKind, SmallTpl, MediumTpl);
    [Fact] public Task MixinNotApplicable() => AssertRejectedAsync("/storage/", HttpStatusCode.BadRequest, "does not apply", StorageKind, SmallTpl, "X-OCCI-Attribute: occi.storage.size=1");
    [Fact] public Task AbstractKind() => AssertRejectedAsync("/resource/", HttpStatusCode.BadRequest, "cannot be instantiated", "Category: resource; scheme=\"http://schemas.ogf.org/occi/core#\"; class=\"kind\"");
    [Fact] public Task MalformedCategory() => AssertRejectedAsync("/compute/", HttpStatusCode.BadRequest, "scheme", "Category: compute; schem=\"x\"");
    [Fact] public Task GarbageLine() => AssertRejectedAsync("/compute/", HttpStatusCode.BadRequest, "Hello", ComputeKind, "Hello world");
    [Fact] public Task DuplicateAttribute() => AssertRejectedAsync("/compute/", HttpStatusCode.BadRequest, "more than once", ComputeKind, "X-OCCI-Attribute: occi.compute.cores=1", "X-OCCI-Attribute: occi.compute.cores=2");

    [Fact]
    public async Task ClientIdAlreadyUsed_Is409()
    {
        var path = await CreateAsync("/compute/", ComputeKind);
        await AssertRejectedAsync("/compute/", HttpStatusCode.Conflict, path[9..], ComputeKind, $"X-OCCI-Attribute: occi.core.id=\"{path[9..]}\"");
    }

    [Fact]
    public async Task UpdateOfImmutableAttribute_Is400AndUnchanged()
    {
        var path = await CreateAsync("/compute/", ComputeKind);
        var r = await Agent.SendAsync(HttpMethod.Post, path, Lines("X-OCCI-Attribute: occi.compute.state=\"active\"", "X-OCCI-Attribute: occi.core.title=\"x\""));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        var body = await GetTextAsync(path);
        Assert.Null(Attr(body, "occi.core.title"));
    }

    [Fact]
    public async Task ChangingTheKind_Is400()
    {
        var path = await CreateAsync("/compute/", ComputeKind);
        var r = await Agent.SendAsync(HttpMethod.Post, path, Lines(NetworkKind));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Contains("cannot change", await r.BodyAsync());
    }

    [Fact]
    public async Task UserDataChangedAfterCreation_Is400()
    {
        var path = await CreateAsync("/compute/", ComputeKind,
            "Category: user_data; scheme=\"http://schemas.ogf.org/occi/infrastructure/compute#\"; class=\"mixin\"",
            "X-OCCI-Attribute: occi.compute.userdata=\"I2Nsb3VkLWNvbmZpZwo=\"");
        var r = await Agent.SendAsync(HttpMethod.Post, path, Lines("X-OCCI-Attribute: occi.compute.userdata=\"b3RoZXI=\""));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Contains("only be set when the entity is created", await r.BodyAsync());
    }

    [Fact]
    public async Task UnknownEntity_Is404()
    {
        var r = await Agent.SendAsync(HttpMethod.Get, "/compute/does-not-exist");
        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Agent.SendAsync(HttpMethod.Get, "/nowhere/")).StatusCode);
    }
}
