using OcciAgent.Hypervisor.Qemu;

namespace OcciAgent.Hypervisor.Tests.Qemu;

[Trait("Category", "Unit")]
public sealed class QemuOptTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "a,,b")]
    [InlineData("x,,y", "x,,,,y")]
    [InlineData("title=evil,format=raw", "title=evil,,format=raw")]
    public void Escape_DoublesCommas(string value, string expected) => Assert.Equal(expected, QemuOpt.Escape(value));

    [Theory]
    [InlineData("a\0b")]
    [InlineData("a\nb")]
    public void Escape_RefusesWhatCannotBeEscaped(string value) => Assert.Throws<ArgumentException>(() => QemuOpt.Escape(value));

    [Fact]
    public void Join_EscapesValuesOnly() =>
        Assert.Equal("driver=qcow2,file.filename=/v/a,,b.qcow2", QemuOpt.Join(("driver", "qcow2"), ("file.filename", "/v/a,b.qcow2")));
}
