using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace OcciAgent.Tests.Http;

/// <summary>GFD.223 §9 query interface over real HTTP (§9.1-§9.4; docs/conformance.md).</summary>
[Trait("Category", "Integration")]
public sealed class QueryInterfaceTests : AgentTestBase
{
    [Fact]
    public async Task Get_TextPlain_ListsCoreAndInfrastructureCategoriesWithOcciHeaders()
    {
        var r = await Agent.SendAsync(HttpMethod.Get, "/-/");
        var body = await r.BodyAsync();
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("text/plain", r.ContentType()!.MediaType);
        Assert.Contains("OCCI/1.2", r.Header("Server"));
        Assert.Contains("OCCI/1.1", r.Header("Server"));
        Assert.Contains("application/occi+json", r.Header("Accept"));
        foreach (var term in new[] { "entity", "resource", "link", "compute", "storage", "network", "networkinterface", "storagelink",
                     "os_tpl", "resource_tpl", "ipnetwork", "ipnetworkinterface", "ssh_key", "user_data", "small", "start", "online" })
            Assert.Matches(new Regex($"^Category: {term}; scheme=\"", RegexOptions.Multiline), body);
        // The OCCI-WG 1.1 test reads the second line with this expression (docs/conformance.md).
        var second = body.Split("\r\n")[1];
        Assert.Matches(@"\w+; \bscheme=[a-z:./#""]*; \bclass=""(?:action|kind|mixin)""", second);
    }

    [Fact]
    public async Task Get_WellKnownAndNoSlashForms_RenderTheSameCategories()
    {
        var a = await GetTextAsync("/-/");
        Assert.Equal(a, await GetTextAsync("/.well-known/org/ogf/occi/-/"));
        Assert.Equal(a, await GetTextAsync("/-"));
        Assert.Equal(a, await GetTextAsync("/.well-known/org/ogf/occi/-"));
    }

    [Fact]
    public async Task Get_TextOcci_PutsCategoriesInHeadersAndOkInBody()
    {
        var r = await Agent.SendAsync(HttpMethod.Get, "/-/", accept: "text/occi");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("text/occi", r.ContentType()!.MediaType);
        Assert.Equal("OK", (await r.BodyAsync()).Trim());
        Assert.Contains("compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"kind\"", r.Header("Category"));
    }

    [Fact]
    public async Task Get_Json_HasKindsMixinsActionsWithAttributeDescriptions()
    {
        var r = await Agent.SendAsync(HttpMethod.Get, "/-/", accept: "application/occi+json");
        Assert.Equal("application/occi+json", r.ContentType()!.MediaType);
        using var doc = JsonDocument.Parse(await r.BodyAsync());
        var compute = doc.RootElement.GetProperty("kinds").EnumerateArray().Single(k => k.GetProperty("term").GetString() == "compute");
        Assert.Equal("/compute/", compute.GetProperty("location").GetString());
        var cores = compute.GetProperty("attributes").GetProperty("occi.compute.cores");
        Assert.Equal("number", cores.GetProperty("type").GetString());
        Assert.True(cores.GetProperty("mutable").GetBoolean());
        Assert.True(doc.RootElement.GetProperty("mixins").GetArrayLength() > 5);
        Assert.Contains(doc.RootElement.GetProperty("actions").EnumerateArray(), a => a.GetProperty("term").GetString() == "save");
    }

    [Fact]
    public async Task Get_FilterByCategoryHeader_ReturnsExactlyThatCategory()
    {
        var r = await Agent.SendAsync(HttpMethod.Get, "/-/", headers: ("Category", $"compute; scheme=\"{Infra}\""));
        var lines = (await r.BodyAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("Category: compute;", lines[0]);
    }

    [Fact]
    public async Task Get_FilterWithUnknownCategory_Is400()
    {
        var r = await Agent.SendAsync(HttpMethod.Get, "/-/", headers: ("Category", "nope; scheme=\"http://x/y#\""));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Contains("http://x/y#nope", await r.BodyAsync());
    }

    [Fact]
    public async Task Put_Is405WithAllow()
    {
        var r = await Agent.SendAsync(HttpMethod.Put, "/-/", "");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, r.StatusCode);
        Assert.Contains("GET", r.Content.Headers.Allow);
        Assert.Contains("OCCI/1.2", r.Header("Server"));
    }

    [Fact]
    public async Task Get_ImageInImagesDir_IsPublishedAsOsTemplateWithSidecarTitle()
    {
        AddImage(Agent, "debian12", sidecarJson: """{"title": "Debian 12 (qcow2)"}""");
        var body = await GetTextAsync("/-/");
        Assert.Contains("Category: debian12; scheme=\"http://node.test/occi/infrastructure/os_tpl#\"; class=\"mixin\"; title=\"Debian 12 (qcow2)\"; rel=\"http://schemas.ogf.org/occi/infrastructure#os_tpl\"; location=\"/mixin/os_tpl/debian12/\"", body);
    }

    [Fact]
    public async Task Requests_DoNotScanTheImagesDirectory()
    {
        // Without the watcher, a changed directory stays unscanned: only the watcher rescans.
        Agent.Services.GetRequiredService<OcciAgent.Storage.ImageWatcher>().Dispose();
        var images = Agent.Services.GetRequiredService<OcciAgent.Storage.ImageLibrary>();
        var before = images.Scans;
        File.WriteAllText(Path.Combine(Agent.StateDir, "images", "late.qcow2"), "");
        for (var i = 0; i < 3; i++) await GetTextAsync("/-/");
        Assert.Equal(before, images.Scans);
        Assert.DoesNotContain("Category: late;", await GetTextAsync("/-/"));
    }

    [Fact]
    public async Task Get_ImageWithBadSidecar_IsSkippedOthersStay()
    {
        AddImage(Agent, "outside", sidecarJson: """{"kernel": "../../etc/passwd"}""");
        AddImage(Agent, "nokernel", sidecarJson: """{"kernel": "vmlinuz-missing"}""");
        AddImage(Agent, "broken", sidecarJson: "{ not json");
        File.WriteAllText(Path.Combine(Agent.StateDir, "images", "vmlinuz"), "k");
        AddImage(Agent, "direct", sidecarJson: """{"kernel": "vmlinuz", "cmdline": "console=ttyS0"}""");
        var body = await GetTextAsync("/-/");
        Assert.DoesNotContain("Category: outside;", body);
        Assert.DoesNotContain("Category: nokernel;", body);
        Assert.DoesNotContain("Category: broken;", body);
        Assert.Contains("Category: direct;", body);
    }

    [Fact]
    public async Task Get_LegacyUserAgent_IsNotOfferedJson()
    {
        var r = await Agent.SendAsync(HttpMethod.Get, "/-/", headers: ("User-Agent", "rOCCI-core/4.3.0 rOCCI-api/4.3.0 OCCI/1.1"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.DoesNotContain("json", r.Header("Accept"));
    }

    [Fact]
    public async Task Get_UserAgentWithHigherOcciVersion_Is501()
    {
        var r = await Agent.SendAsync(HttpMethod.Get, "/-/", headers: ("User-Agent", "future/1.0 OCCI/1.3"));
        Assert.Equal(HttpStatusCode.NotImplemented, r.StatusCode);
        Assert.Contains("OCCI/1.3", await r.BodyAsync());
    }
}
