using OcciAgent.Occi.Catalog;
using OcciAgent.Occi.Model;
using OcciAgent.Occi.Validation;

namespace OcciAgent.Tests.Unit;

[Trait("Category", "Unit")]
public sealed class ValueCoercionTests
{
    private static AttributeSpec Spec(string name) =>
        InfrastructureKinds.All.SelectMany(k => k.AllAttributes).Concat(InfrastructureMixins.All.SelectMany(m => m.Attributes)).First(s => s.Name == name);

    [Theory]
    [InlineData("occi.compute.cores", "2", ValueKind.Integer, "2")]
    [InlineData("occi.compute.memory", "2", ValueKind.Float, "2.0")]
    [InlineData("occi.storage.size", "0.5", ValueKind.Float, "0.5")]
    [InlineData("occi.network.vlan", "4095", ValueKind.Integer, "4095")]
    [InlineData("occi.compute.architecture", "x86", ValueKind.String, "x86")]
    [InlineData("occi.network.address", "10.0.0.0/24", ValueKind.String, "10.0.0.0/24")]
    [InlineData("occi.network.address", "fd00::/64", ValueKind.String, "fd00::/64")]
    [InlineData("occi.networkinterface.mac", "52:54:00:aa:BB:0c", ValueKind.String, "52:54:00:aa:BB:0c")]
    public void Coerce_QuotedTextOfRightType_IsAccepted(string name, string text, ValueKind kind, string expected)
    {
        var v = ValueCoercion.Coerce(Spec(name), OcciValue.Str(text), out var error);
        Assert.Null(error);
        Assert.Equal(kind, v!.Value.Kind);
        Assert.Equal(expected, v.Value.ToInvariantString());
    }

    [Fact]
    public void Coerce_IntegralFloatForInteger_AndIntegerForFloat()
    {
        Assert.Equal(ValueKind.Integer, ValueCoercion.Coerce(Spec("occi.compute.cores"), OcciValue.Float(3.0), out _)!.Value.Kind);
        Assert.Null(ValueCoercion.Coerce(Spec("occi.compute.cores"), OcciValue.Float(3.5), out var e1));
        Assert.Contains("not an integer", e1);
        Assert.Equal(2.0, ValueCoercion.Coerce(Spec("occi.compute.memory"), OcciValue.Int(2), out _)!.Value.AsDouble);
    }

    [Theory]
    [InlineData("occi.compute.cores", "0", "at least 1")]
    [InlineData("occi.compute.memory", "0", "greater than 0")]
    [InlineData("occi.network.vlan", "4096", "at most 4095")]
    [InlineData("occi.compute.architecture", "arm", "not one of x86, x64")]
    [InlineData("occi.network.address", "10.0.0.300/24", "does not match")]
    [InlineData("occi.network.address", "10.0.0.0/33", "does not match")]
    [InlineData("occi.networkinterface.mac", "52:54:00:aa:bb", "does not match")]
    [InlineData("occi.network.label", "two words", "does not match")]
    public void Coerce_OutOfRangeOrPattern_NamesTheAttribute(string name, string text, string fragment)
    {
        var v = ValueCoercion.Coerce(Spec(name), OcciValue.Str(text), out var error);
        Assert.Null(v);
        Assert.Contains(name, error);
        Assert.Contains(fragment, error);
    }

    [Fact]
    public void FormatFloat_AlwaysHasPointAndNoExponent()
    {
        Assert.Equal("2.0", OcciValue.FormatFloat(2));
        Assert.Equal("0.25", OcciValue.FormatFloat(0.25));
        Assert.DoesNotContain("E", OcciValue.FormatFloat(1e16));
        Assert.Contains(".", OcciValue.FormatFloat(1e16));
    }
}
