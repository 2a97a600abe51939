using System.Text;
using Microsoft.AspNetCore.Http;
using OcciAgent.Security;

namespace OcciAgent.Tests.Security;

/// <summary>The role table of AccessPolicy and the credential parsing of AccessGate (the HTTP
/// side of both is in RoleTests and AuthenticationTests).</summary>
[Trait("Category", "Unit")]
public sealed class AccessPolicyTests
{
    [Theory]
    [InlineData("GET", "/compute/a/console", "", Role.Reader)]
    [InlineData("HEAD", "/-/", "", Role.Reader)]
    [InlineData("POST", "/compute/", "", Role.Operator)]
    [InlineData("PUT", "/compute/a", "", Role.Operator)]
    [InlineData("DELETE", "/storage/", "", Role.Operator)]
    [InlineData("POST", "/compute/a", "?action=stop", Role.Operator)]
    [InlineData("POST", "/tags/prod/", "", Role.Operator)]
    [InlineData("POST", "/compute/a/console", "", Role.Admin)]
    [InlineData("POST", "/-/", "", Role.Admin)]
    [InlineData("DELETE", "/.well-known/org/ogf/occi/-/", "", Role.Admin)]
    [InlineData("POST", "/compute/a", "?action=save", Role.Admin)]
    public void Required_Role(string method, string path, string query, Role expected) =>
        Assert.Equal(expected, AccessPolicy.RequiredRole(method, path, new QueryCollection(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query))));

    [Theory]
    [InlineData("Bearer abc", "abc")]
    [InlineData("bearer  abc ", "abc")]
    [InlineData("Bearer ", null)]
    [InlineData("Token abc", null)]
    [InlineData("Basic", null)]
    public void Presented_Token(string header, string? expected) => Assert.Equal(expected, AccessGate.PresentedToken(header));

    [Fact]
    public void Basic_PasswordIsTheTokenWhateverTheUser()
    {
        Assert.Equal("occi_x:y", AccessGate.PresentedToken("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("user:occi_x:y"))));
        Assert.Equal("t", AccessGate.PresentedToken("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(":t"))));
        Assert.Null(AccessGate.PresentedToken("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("no-colon"))));
    }

    [Fact]
    public void Audit_PathsCannotForgeLogLines() =>
        Assert.Equal("/a\\x0a<6>forged", AccessGate.Printable("/a\n<6>forged"));

    [Fact]
    public void Token_ShapeAndHash()
    {
        var (token, id, salt, hash) = ApiToken.Create();
        Assert.True(ApiToken.TryParse(token, out var parsedId, out var secret));
        Assert.Equal(id, parsedId);
        Assert.True(ApiToken.Matches(salt, hash, secret));
        Assert.False(ApiToken.Matches(salt, hash, secret[..^1] + (secret[^1] == 'A' ? 'B' : 'A')));
        Assert.DoesNotContain(secret, Convert.ToBase64String(hash));
    }
}
