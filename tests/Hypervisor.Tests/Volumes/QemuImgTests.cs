using OcciAgent.Hypervisor.Volumes;

namespace OcciAgent.Hypervisor.Tests.Volumes;

[Trait("Category", "Integration")]
public sealed class QemuImgTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("/nonexistent/bin/qemu-img")]
    [InlineData("qemu-img-that-does-not-exist")]
    public async Task VersionAsync_ToolMissing_ThrowsToolMissing(string executable)
    {
        var qemuImg = new QemuImg(executable);

        var e = await Assert.ThrowsAsync<VolumeException>(() => qemuImg.VersionAsync());

        Assert.Equal(VolumeErrorKind.ToolMissing, e.Kind);
        Assert.StartsWith("qemu-img not found (install the Debian package qemu-utils)", e.Message);
    }

    [Fact(Timeout = 30000)]
    public async Task CreateAsync_ToolNotExecutable_ThrowsToolMissingAndCreatesNothing()
    {
        var fake = _temp.File("qemu-img");
        await File.WriteAllTextAsync(fake, "#!/bin/sh\nexit 0\n"); // no execute bit
        var target = _temp.File("a.qcow2");

        var e = await Assert.ThrowsAsync<VolumeException>(() => new QemuImg(fake).CreateAsync(target, 1 << 20, null, default));

        Assert.Equal(VolumeErrorKind.ToolMissing, e.Kind);
        Assert.False(File.Exists(target));
    }

    [Fact(Timeout = 30000)]
    public async Task VersionAsync_RealBinary_MatchesBanner()
    {
        var banner = QemuImgProbe.Run("--version");

        var version = await new QemuImg().VersionAsync();

        Assert.StartsWith($"qemu-img version {version}", banner);
        Assert.True(version.Major >= 5, $"unexpected version {version}");
    }

    [Theory]
    [InlineData("qemu-img version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\nCopyright (c) 2003-2022 Fabrice Bellard", "7.2.22")]
    [InlineData("qemu-img version 9.1.0\n", "9.1.0")]
    [InlineData("qemu-img version 8.2 (v8.2-dirty)", "8.2")]
    public void ParseVersion_Banner_ReturnsVersion(string banner, string expected)
    {
        Assert.Equal(Version.Parse(expected), QemuImg.ParseVersion(banner));
    }

    [Fact]
    public void ParseVersion_OtherText_ReturnsNull()
    {
        Assert.Null(QemuImg.ParseVersion("QEMU emulator version 7.2.22"));
    }

    [Fact(Timeout = 30000)]
    public async Task InfoAsync_CommandFails_ThrowsFailedWithSubcommandPathStderrAndArgv()
    {
        var missing = _temp.File("missing.qcow2");

        var e = await Assert.ThrowsAsync<VolumeException>(() => new QemuImg().InfoAsync(missing, default));

        Assert.Equal(VolumeErrorKind.Failed, e.Kind);
        Assert.StartsWith($"qemu-img info failed for '{missing}' (exit 1): ", e.Message);
        Assert.Contains("No such file or directory", e.Message);
        var inner = Assert.IsType<QemuImgException>(e.InnerException);
        Assert.Equal(["info", "--output=json", "-U", missing], inner.Arguments);
        Assert.Equal(1, inner.ExitCode);
        Assert.Contains("No such file or directory", inner.StandardError);
    }

    [Fact(Timeout = 30000)]
    public async Task ResizeAsync_NotSectorMultiple_ThrowsFailedWithQemuMessage()
    {
        var path = _temp.File("a.qcow2");
        QemuImgProbe.Run("create", "-f", "qcow2", path, "1048576");

        var e = await Assert.ThrowsAsync<VolumeException>(() => new QemuImg().ResizeAsync(path, 1048577, default));

        Assert.Equal(VolumeErrorKind.Failed, e.Kind);
        Assert.Contains("multiple of 512", e.Message);
    }

    [Theory]
    [InlineData("relative.qcow2")]
    [InlineData("-f")]
    [InlineData("json:{\"driver\":\"null-co\"}")]
    public async Task CreateAsync_PathNotAbsolute_ThrowsInvalidRequest(string path)
    {
        var e = await Assert.ThrowsAsync<VolumeException>(() => new QemuImg().CreateAsync(path, 1 << 20, null, default));

        Assert.Equal(VolumeErrorKind.InvalidRequest, e.Kind);
    }

    [Fact(Timeout = 30000)]
    public async Task CreateInfoResize_RealBinary_RoundTrips()
    {
        var qemuImg = new QemuImg();
        var path = _temp.File("dir with space, comma.qcow2");

        await qemuImg.CreateAsync(path, 1 << 20, null, default);
        await qemuImg.ResizeAsync(path, 2 << 20, default);
        var info = await qemuImg.InfoAsync(path, default);

        Assert.Equal("qcow2", info.Format);
        Assert.Equal(2L << 20, info.VirtualSizeBytes);
        Assert.True(info.ActualSizeBytes > 0);
    }
}
