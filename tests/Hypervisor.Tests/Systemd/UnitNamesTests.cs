using OcciAgent.Hypervisor.Systemd;

namespace OcciAgent.Hypervisor.Tests.Systemd;

/// <summary>Names systemd and machined accept; the object path escaping is checked against a
/// path systemd 252 really answered (docs/host-notes.md: basic.target).</summary>
[Trait("Category", "Unit")]
public sealed class UnitNamesTests
{
    [Fact]
    public void A_ComputeIdKeepsItsDashesInTheUnitName() =>
        Assert.Equal("occi-vm-1b4e28ba-2fa1-11d2-883f-0016d3cca427.service", UnitNames.ForVm("1b4e28ba-2fa1-11d2-883f-0016d3cca427"));

    [Theory]
    [InlineData("a b", "occi-vm-a\\x20b.service")]
    [InlineData(".x", "occi-vm-\\x2ex.service")]
    [InlineData("a/b", "occi-vm-a\\x2fb.service")]
    public void Other_CharactersAreEscapedLikeSystemdEscape(string id, string unit) => Assert.Equal(unit, UnitNames.ForVm(id));

    [Fact]
    public void An_IdTooLongForAUnitNameIsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => UnitNames.ForVm(new string('a', 250)));
        Assert.Contains("too long for a systemd unit name", e.Message);
    }

    [Fact]
    public void Object_PathsEscapeEveryByteOutsideLettersAndDigits()
    {
        Assert.Equal("/org/freedesktop/systemd1/unit/basic_2etarget", UnitNames.ObjectPath("basic.target"));
        Assert.Equal("/org/freedesktop/systemd1/unit/occi_2dvm_2dab_5fc_2eservice", UnitNames.ObjectPath("occi-vm-ab_c.service"));
    }

    [Theory]
    [InlineData("occi-vms.slice", null)]
    [InlineData("machine.slice", null)]
    [InlineData("occi-vms", "must be a name ending in .slice")]
    [InlineData("occi--vms.slice", "single inner '-'")]
    [InlineData("occi vms.slice", "may hold only")]
    public void Slice_NamesAreChecked(string slice, string? problem)
    {
        var p = UnitNames.CheckSlice(slice);
        if (problem is null) Assert.Null(p);
        else Assert.Contains(problem, p);
    }

    [Fact]
    public void Machine_NamesFollowHostnameRules()
    {
        Assert.Equal("occi-vm-1b4e28ba-2fa1-11d2-883f-0016d3cca427", UnitNames.MachineFor("1b4e28ba-2fa1-11d2-883f-0016d3cca427"));
        Assert.Null(UnitNames.MachineFor(new string('a', 60)));
        Assert.Null(UnitNames.MachineFor("a.b"));
    }

    [Fact]
    public void The_MachineIdIsTheUuidInTextOrder()
    {
        Assert.Equal(Convert.FromHexString("1b4e28ba2fa111d2883f0016d3cca427"), Machined.IdFor("1b4e28ba-2fa1-11d2-883f-0016d3cca427"));
        Assert.Empty(Machined.IdFor("not-a-uuid"));
    }
}
