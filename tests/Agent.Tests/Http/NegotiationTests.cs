using System.Net;

namespace OcciAgent.Tests.Http;

/// <summary>Content negotiation and the error shapes of docs/conformance.md (GFD.185, GFD.223 §5.4).</summary>
[Trait("Category", "Integration")]
public sealed class NegotiationTests : AgentTestBase
{
    [Theory]
    [InlineData(null, "text/plain")]
    [InlineData("*/*", "text/plain")]
    [InlineData("text/occi;q=0.2, application/occi+json", "application/occi+json")]
    [InlineData("text/plain;q=0.5, text/occi", "text/occi")]
    [InlineData("application/json", "application/json")]
    public async Task Accept_PicksByQValue(string? accept, string expected)
    {
        var r = await Agent.SendAsync(HttpMethod.Get, "/-/", accept: accept);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal(expected, r.ContentType()!.MediaType);
    }

    [Fact]
    public async Task Accept_Unsupported_Is406()
    {
        var r = await Agent.SendAsync(HttpMethod.Get, "/-/", accept: "image/png");
        Assert.Equal(HttpStatusCode.NotAcceptable, r.StatusCode);
        Assert.Contains("image/png", await r.BodyAsync());
    }

    [Fact]
    public async Task ContentType_Unsupported_Is415()
    {
        var r = await Agent.SendAsync(HttpMethod.Post, "/compute/", "<vm/>", contentType: "application/xml");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, r.StatusCode);
        Assert.Contains("application/xml", await r.BodyAsync());
    }

    [Fact]
    public async Task TextOcciRequest_ReadsHeadersAndErrorsCarryXOcciError()
    {
        var r = await Agent.SendAsync(HttpMethod.Post, "/compute/", "", contentType: "text/occi", accept: "text/occi",
            headers: [("Category", $"compute; scheme=\"{Infra}\"; class=\"kind\""), ("X-OCCI-Attribute", "occi.compute.cores=2, occi.core.title=\"a, b\"")]);
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        Assert.Equal("OK", (await r.BodyAsync()).Trim());
        Assert.StartsWith(Agent.BaseUrl + "/compute/", r.Header("X-OCCI-Location"));
        var body = await GetTextAsync(r.LocationPath());
        Assert.Equal("\"a, b\"", Attr(body, "occi.core.title"));

        var bad = await Agent.SendAsync(HttpMethod.Post, "/compute/", "", contentType: "text/occi", accept: "text/occi",
            headers: ("Category", "bogus; scheme=\"http://x/#\""));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("http://x/#bogus", bad.Header("X-OCCI-Error"));
    }

    [Fact]
    public async Task NoContentTypeWithOcciHeaders_IsTreatedAsTextOcci()
    {
        var r = await Agent.SendAsync(HttpMethod.Post, "/compute/", null, contentType: null, headers: ("Category", $"compute; scheme=\"{Infra}\"; class=\"kind\""));
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
    }

    [Fact]
    public async Task OcciWgQuotesEscapingLine_YieldsMemoryAndTitle()
    {
        var r = await Agent.SendAsync(HttpMethod.Post, "/compute/", "", contentType: "text/occi",
            headers: [("Category", $"compute; scheme=\"{Infra}\""),
                ("X-OCCI-Attribute", "occi.compute.memory=3.6, occi.core.title=\"How's your quotes escaping? \\\", occi.compute.memory=1.0\"")]);
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        var body = await GetTextAsync(r.LocationPath());
        Assert.Equal("3.6", Attr(body, "occi.compute.memory"));
    }

    [Fact]
    public async Task DeleteEntity_Is200WithOkBodyForTextOcci()
    {
        var path = await CreateAsync("/compute/", ComputeKind);
        var r = await Agent.SendAsync(HttpMethod.Delete, path, accept: "text/occi");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("OK", (await r.BodyAsync()).Trim());
    }
}
