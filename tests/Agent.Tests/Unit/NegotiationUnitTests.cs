using OcciAgent.Http;
using OcciAgent.Occi.Catalog;
using OcciAgent.Services;

namespace OcciAgent.Tests.Unit;

[Trait("Category", "Unit")]
public sealed class NegotiationUnitTests
{
    private readonly MediaTypes _media = new();

    [Theory]
    [InlineData(null, "text/plain")]
    [InlineData("", "text/plain")]
    [InlineData("text/*", "text/plain")]
    [InlineData("application/*", "application/occi+json")]
    [InlineData("text/plain,text/occi;q=0.2", "text/plain")]
    [InlineData("text/occi;q=0.9, text/uri-list;q=0.1", "text/occi")]
    [InlineData("TEXT/OCCI", "text/occi")]
    [InlineData("image/png, */*;q=0.1", "text/plain")]
    public void Negotiate_PicksHighestQ(string? accept, string expected) =>
        Assert.Equal(expected, _media.Negotiate(accept)!.MediaType);

    [Theory]
    [InlineData("image/png")]
    [InlineData("text/plain;q=0")]
    public void Negotiate_NothingAcceptable_IsNull(string accept) => Assert.Null(_media.Negotiate(accept));

    [Theory]
    [InlineData("disk image.QCOW", "disk_image_qcow")]
    [InlineData("Debian-12", "debian-12")]
    [InlineData("12-bookworm", "img_12-bookworm")]
    [InlineData("...", null)]
    public void SanitiseTerm_FitsOcci11Terms(string name, string? term) => Assert.Equal(term, Templates.SanitiseTerm(name));

    [Fact]
    public void MacAndInterface_AreStableLocallyAdministeredAndShort()
    {
        var id = "3f2c8e1a-5b6d-4c7e-8f90-a1b2c3d4e5f6";
        Assert.Equal(EntityService.MacFor(id), EntityService.MacFor(id));
        Assert.NotEqual(EntityService.MacFor(id), EntityService.MacFor(id + "x"));
        Assert.Matches("^52:54:00(:[0-9a-f]{2}){3}$", EntityService.MacFor(id));
        Assert.Matches("^occit[0-9a-f]{10}$", EntityService.InterfaceFor(id));
        Assert.Equal(EntityService.InterfaceFor(id), EntityService.InterfaceFor(id));
        Assert.NotEqual(EntityService.InterfaceFor(id), EntityService.InterfaceFor(id + "x"));
    }
}
