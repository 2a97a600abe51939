using System.Net;

namespace OcciAgent.Tests.Http;

/// <summary>Compute entities: validation, templates and state rules. Real VMs are exercised in
/// Vms/VmLifecycleTests.</summary>
[Trait("Category", "Integration")]
public sealed class ComputeTests : AgentTestBase
{
    protected override void BeforeStart(AgentServer server) => AddImage(server, "debian12");

    private const string OsTpl = "Category: debian12; scheme=\"http://node.test/occi/infrastructure/os_tpl#\"; class=\"mixin\"";

    [Fact]
    public async Task Post_RocciStyleCreate_AppliesTemplateDefaultsAndStartsInactive()
    {
        // rOCCI-cli 4: comma list Content-Type, a random occi.core.id, os_tpl + resource_tpl (docs/conformance.md, OCCI 1.1 clients).
        var id = Guid.NewGuid().ToString();
        var r = await Agent.SendAsync(HttpMethod.Post, "/compute/",
            Lines("Category: compute;scheme=\"http://schemas.ogf.org/occi/infrastructure#\";class=kind", OsTpl, MediumTpl,
                $"X-OCCI-Attribute: occi.core.id=\"{id}\"", "X-OCCI-Attribute: occi.core.title=\"web 01\""),
            contentType: "text/plain,text/occi", headers: ("User-Agent", "rOCCI-core/4.3.0 rOCCI-api/4.3.0 OCCI/1.1"));
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        Assert.Equal($"/compute/{id}", r.LocationPath());
        var body = await GetTextAsync($"/compute/{id}");
        Assert.Equal("2", Attr(body, "occi.compute.cores"));
        Assert.Equal("2.0", Attr(body, "occi.compute.memory"));
        Assert.Equal("\"inactive\"", Attr(body, "occi.compute.state"));
        Assert.Equal("\"web-01\"", Attr(body, "occi.compute.hostname"));
        Assert.Contains($"Link: </compute/{id}?action=start>; rel=\"http://schemas.ogf.org/occi/infrastructure/compute/action#start\"", body);
        Assert.DoesNotContain("?action=stop>", body);
    }

    [Fact]
    public async Task Post_ExplicitCoresOverrideTemplate()
    {
        var path = await CreateAsync("/compute/", ComputeKind, SmallTpl, "X-OCCI-Attribute: occi.compute.cores=2");
        var body = await GetTextAsync(path);
        Assert.Equal("2", Attr(body, "occi.compute.cores"));
        Assert.Equal("1.0", Attr(body, "occi.compute.memory"));
    }

    /// <summary>Without QEMU the agent still serves, and compute actions answer
    /// 503 naming the package to install; the entity is unchanged.</summary>
    [Fact]
    public async Task Action_Start_WithoutQemu_Is503NamingThePackage()
    {
        await using var noQemu = await AgentServer.StartAsync(beforeStart: s =>
        {
            s.Options.Qemu = "/nonexistent/qemu-system-x86_64";
            AddImage(s, "debian12");
        });
        var create = await noQemu.SendAsync(HttpMethod.Post, "/compute/", Lines(ComputeKind, OsTpl, SmallTpl));
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        var path = create.LocationPath();
        var r = await noQemu.SendAsync(HttpMethod.Post, path + "?action=start",
            Lines("Category: start; scheme=\"http://schemas.ogf.org/occi/infrastructure/compute/action#\"; class=\"action\""));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, r.StatusCode);
        Assert.Contains("qemu-system-x86", await r.BodyAsync());
        var body = await (await noQemu.SendAsync(HttpMethod.Get, path)).BodyAsync();
        Assert.Equal("\"inactive\"", Attr(body, "occi.compute.state"));
        var host = await (await noQemu.SendAsync(HttpMethod.Get, "/host")).BodyAsync();
        Assert.Contains("vms.available: false", host);
    }

    [Fact]
    public async Task Action_StopWhileInactive_Is409()
    {
        var path = await CreateAsync("/compute/", ComputeKind);
        var r = await Agent.SendAsync(HttpMethod.Post, path + "?action=stop", Lines("X-OCCI-Attribute: method=\"graceful\""));
        Assert.Equal(HttpStatusCode.Conflict, r.StatusCode);
        Assert.Contains("inactive", await r.BodyAsync());
    }

    [Fact]
    public async Task Action_UnknownTermOrBadMethod_Is400()
    {
        var path = await CreateAsync("/compute/", ComputeKind);
        var unknown = await Agent.SendAsync(HttpMethod.Post, path + "?action=explode", "");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("explode", await unknown.BodyAsync());
        var bad = await Agent.SendAsync(HttpMethod.Post, path + "?action=start", Lines("X-OCCI-Attribute: method=\"sideways\""));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var mismatch = await Agent.SendAsync(HttpMethod.Post, path + "?action=start",
            Lines("Category: stop; scheme=\"http://schemas.ogf.org/occi/infrastructure/compute/action#\"; class=\"action\""));
        Assert.Equal(HttpStatusCode.BadRequest, mismatch.StatusCode);
    }

    [Fact]
    public async Task PostUpdate_NewResourceTemplate_ReplacesOldOneAndResizes()
    {
        var path = await CreateAsync("/compute/", ComputeKind, SmallTpl);
        var r = await Agent.SendAsync(HttpMethod.Post, path, Lines(MediumTpl));
        var body = await r.BodyAsync();
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Contains("Category: medium;", body);
        Assert.DoesNotContain("Category: small;", body);
        Assert.Equal("2", Attr(body, "occi.compute.cores"));
    }

    [Fact]
    public async Task PostUpdate_DifferentOsTemplate_Is400()
    {
        AddImage(Agent, "alpine");
        var path = await CreateAsync("/compute/", ComputeKind, OsTpl);
        var r = await Agent.SendAsync(HttpMethod.Post, path,
            Lines("Category: alpine; scheme=\"http://node.test/occi/infrastructure/os_tpl#\"; class=\"mixin\""));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Contains("re-imaging", await r.BodyAsync());
    }

    [Fact]
    public async Task Put_NewId_CreatesThenReplaceClearsTitleKeepsCores()
    {
        var id = "vm-put-1";
        var created = await Agent.SendAsync(HttpMethod.Put, $"/compute/{id}", Lines(ComputeKind, "X-OCCI-Attribute: occi.core.title=\"one\"", "X-OCCI-Attribute: occi.compute.cores=2"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var replaced = await Agent.SendAsync(HttpMethod.Put, $"/compute/{id}", Lines(ComputeKind, "X-OCCI-Attribute: occi.core.summary=\"s\""));
        var body = await replaced.BodyAsync();
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Null(Attr(body, "occi.core.title"));
        Assert.Equal("\"s\"", Attr(body, "occi.core.summary"));
        Assert.Equal("2", Attr(body, "occi.compute.cores"));
    }

    [Fact]
    public async Task PostRoot_WithComputeKind_Creates()
    {
        var r = await Agent.SendAsync(HttpMethod.Post, "/", Lines($"Category: compute;scheme=\"{Infra}\""));
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        Assert.StartsWith("/compute/", r.LocationPath());
    }

}
