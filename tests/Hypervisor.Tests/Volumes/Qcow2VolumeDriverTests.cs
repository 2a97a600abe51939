using System.Security.Cryptography;
using System.Text.Json;
using OcciAgent.Hypervisor.Volumes;

namespace OcciAgent.Hypervisor.Tests.Volumes;

/// <summary>Runs the driver against the real qemu-img in a per-test temporary directory.</summary>
[Trait("Category", "Integration")]
public sealed class Qcow2VolumeDriverTests : IDisposable
{
    private const long GiB = 1L << 30;
    private const int Timeout = 30000;

    private readonly TempDirectory _temp = new();
    private readonly Qcow2VolumeDriver _driver = new(new QemuImg());

    public void Dispose() => _temp.Dispose();

    [Fact(Timeout = Timeout)]
    public async Task CreateAsync_OneGiB_InfoShowsQcow2OfExactlyThatSize()
    {
        var path = _temp.File("disk.qcow2");

        await _driver.CreateAsync(new VolumeSpec(path, GiB), default);
        var info = await _driver.InfoAsync(path, default);

        Assert.NotNull(info);
        Assert.Equal(path, info.Path);
        Assert.Equal("qcow2", info.Format);
        Assert.Equal(1073741824L, info.VirtualSizeBytes);
        Assert.True(info.ActualSizeBytes > 0 && info.ActualSizeBytes < 1 << 20, $"actual size {info.ActualSizeBytes}");
        Assert.Null(info.BackingFile);
        Assert.Equal(1073741824L, RawInfo(path).GetProperty("virtual-size").GetInt64());
    }

    [Fact(Timeout = Timeout)]
    public async Task CreateAsync_MissingParentDirectory_CreatesIt()
    {
        var path = Path.Combine(_temp.Path, "a", "b", "disk.qcow2");

        await _driver.CreateAsync(new VolumeSpec(path, 1 << 20), default);

        Assert.Equal("qcow2", RawInfo(path).GetProperty("format").GetString());
    }

    [Fact(Timeout = Timeout)]
    public async Task CreateAsync_Overlay_InfoShowsBackingFile()
    {
        var basePath = await CreateBaseAsync(GiB);
        var overlay = _temp.File("overlay.qcow2");

        await _driver.CreateAsync(new VolumeSpec(overlay, 2 * GiB, basePath), default);
        var info = await _driver.InfoAsync(overlay, default);

        Assert.NotNull(info);
        Assert.Equal(basePath, info.BackingFile);
        Assert.Equal(2 * GiB, info.VirtualSizeBytes);
        var raw = RawInfo(overlay);
        Assert.Equal(basePath, raw.GetProperty("backing-filename").GetString());
        Assert.Equal("qcow2", raw.GetProperty("backing-filename-format").GetString());
    }

    [Fact(Timeout = Timeout)]
    public async Task CreateAsync_OverlaySmallerThanBase_ThrowsInvalidRequestAndCreatesNothing()
    {
        var basePath = await CreateBaseAsync(GiB);
        var overlay = _temp.File("overlay.qcow2");

        var e = await Assert.ThrowsAsync<VolumeException>(() => _driver.CreateAsync(new VolumeSpec(overlay, GiB - 512, basePath), default));

        Assert.Equal(VolumeErrorKind.InvalidRequest, e.Kind);
        Assert.Contains($"at least {GiB} bytes", e.Message);
        Assert.False(File.Exists(overlay));
    }

    [Fact(Timeout = Timeout)]
    public async Task CreateAsync_BackingFileMissing_ThrowsNotFoundNamingIt()
    {
        var missing = _temp.File("no-base.qcow2");
        var overlay = _temp.File("overlay.qcow2");

        var e = await Assert.ThrowsAsync<VolumeException>(() => _driver.CreateAsync(new VolumeSpec(overlay, GiB, missing), default));

        Assert.Equal(VolumeErrorKind.NotFound, e.Kind);
        Assert.Contains(missing, e.Message);
        Assert.False(File.Exists(overlay));
    }

    [Fact(Timeout = Timeout)]
    public async Task CreateAsync_BackingFileNotQcow2_ThrowsInvalidRequestAndCreatesNothing()
    {
        var raw = _temp.File("base.raw");
        await File.WriteAllBytesAsync(raw, new byte[4096]);
        var overlay = _temp.File("overlay.qcow2");

        var e = await Assert.ThrowsAsync<VolumeException>(() => _driver.CreateAsync(new VolumeSpec(overlay, GiB, raw), default));

        Assert.Equal(VolumeErrorKind.InvalidRequest, e.Kind);
        Assert.Contains("not qcow2", e.Message);
        Assert.False(File.Exists(overlay));
    }

    [Fact(Timeout = Timeout)]
    public async Task CreateAsync_FileExists_ThrowsInvalidRequestAndLeavesFileUntouched()
    {
        var path = _temp.File("existing.qcow2");
        byte[] content = [1, 2, 3, 4, 5];
        await File.WriteAllBytesAsync(path, content);

        var e = await Assert.ThrowsAsync<VolumeException>(() => _driver.CreateAsync(new VolumeSpec(path, GiB), default));

        Assert.Equal(VolumeErrorKind.InvalidRequest, e.Kind);
        Assert.Contains("already exists", e.Message);
        Assert.Equal(content, await File.ReadAllBytesAsync(path));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-512L)]
    [InlineData(1000L)]
    public async Task CreateAsync_BadSize_ThrowsInvalidRequestAndCreatesNothing(long size)
    {
        var path = _temp.File("disk.qcow2");

        var e = await Assert.ThrowsAsync<VolumeException>(() => _driver.CreateAsync(new VolumeSpec(path, size), default));

        Assert.Equal(VolumeErrorKind.InvalidRequest, e.Kind);
        Assert.False(File.Exists(path));
    }

    [Theory]
    [InlineData("disk\nx.qcow2")]
    [InlineData("disk\rx.qcow2")]
    [InlineData("disk\0x.qcow2")]
    public async Task CreateAsync_PathWithLineBreakOrNul_ThrowsInvalidRequestAndCreatesNothing(string name)
    {
        var path = Path.Combine(_temp.Path, name);

        var e = await Assert.ThrowsAsync<VolumeException>(() => _driver.CreateAsync(new VolumeSpec(path, GiB), default));

        Assert.Equal(VolumeErrorKind.InvalidRequest, e.Kind);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(_temp.Path));
    }

    [Fact(Timeout = Timeout)]
    public async Task CreateAsync_BackingPathWithNewline_ThrowsInvalidRequest()
    {
        var basePath = await CreateBaseAsync(GiB);
        var overlay = _temp.File("overlay.qcow2");

        var e = await Assert.ThrowsAsync<VolumeException>(() =>
            _driver.CreateAsync(new VolumeSpec(overlay, GiB, basePath + "\n/etc/passwd"), default));

        Assert.Equal(VolumeErrorKind.InvalidRequest, e.Kind);
        Assert.False(File.Exists(overlay));
    }

    [Fact(Timeout = Timeout)]
    public async Task CreateAsync_RelativeBackingPath_ThrowsInvalidRequest()
    {
        await CreateBaseAsync(GiB);
        var overlay = _temp.File("overlay.qcow2");

        var e = await Assert.ThrowsAsync<VolumeException>(() => _driver.CreateAsync(new VolumeSpec(overlay, GiB, "base.qcow2"), default));

        Assert.Equal(VolumeErrorKind.InvalidRequest, e.Kind);
        Assert.False(File.Exists(overlay));
    }

    [Fact(Timeout = Timeout)]
    public async Task CreateAsync_QemuImgFails_RemovesPartialFile()
    {
        // A qcow2 whose header claims a backing file that is gone: our checks pass (it is a qcow2 file
        // with a virtual size), but qemu-img create cannot open the chain and fails.
        var missingBase = _temp.File("gone.qcow2");
        QemuImgProbe.Run("create", "-f", "qcow2", missingBase, "1048576");
        var middle = _temp.File("middle.qcow2");
        QemuImgProbe.Run("create", "-f", "qcow2", "-b", missingBase, "-F", "qcow2", middle, "1048576");
        File.Delete(missingBase);
        var overlay = _temp.File("overlay.qcow2");

        var e = await Assert.ThrowsAsync<VolumeException>(() => _driver.CreateAsync(new VolumeSpec(overlay, 1 << 20, middle), default));

        Assert.Equal(VolumeErrorKind.Failed, e.Kind);
        Assert.StartsWith("qemu-img create failed for", e.Message);
        Assert.False(File.Exists(overlay));
    }

    [Fact(Timeout = Timeout)]
    public async Task ResizeAsync_Grow_InfoShowsNewSize()
    {
        var path = await CreateBaseAsync(GiB);

        await _driver.ResizeAsync(path, 3 * GiB, default);

        Assert.Equal(3 * GiB, (await _driver.InfoAsync(path, default))!.VirtualSizeBytes);
        Assert.Equal(3 * GiB, RawInfo(path).GetProperty("virtual-size").GetInt64());
    }

    [Fact(Timeout = Timeout)]
    public async Task ResizeAsync_GrowOverlay_KeepsBackingFile()
    {
        var basePath = await CreateBaseAsync(GiB);
        var overlay = _temp.File("overlay.qcow2");
        await _driver.CreateAsync(new VolumeSpec(overlay, GiB, basePath), default);

        await _driver.ResizeAsync(overlay, 2 * GiB, default);

        var info = await _driver.InfoAsync(overlay, default);
        Assert.Equal(2 * GiB, info!.VirtualSizeBytes);
        Assert.Equal(basePath, info.BackingFile);
    }

    [Fact(Timeout = Timeout)]
    public async Task ResizeAsync_Shrink_ThrowsInvalidRequestAndFileUnchanged()
    {
        var path = await CreateBaseAsync(2 * GiB);
        var before = Hash(path);

        var e = await Assert.ThrowsAsync<VolumeException>(() => _driver.ResizeAsync(path, GiB, default));

        Assert.Equal(VolumeErrorKind.InvalidRequest, e.Kind);
        Assert.Contains($"from {2 * GiB} to {GiB} bytes is refused", e.Message);
        Assert.Equal(before, Hash(path));
        Assert.Equal(2 * GiB, RawInfo(path).GetProperty("virtual-size").GetInt64());
    }

    [Fact(Timeout = Timeout)]
    public async Task ResizeAsync_SameSize_LeavesFileUnchanged()
    {
        var path = await CreateBaseAsync(GiB);
        var before = Hash(path);

        await _driver.ResizeAsync(path, GiB, default);

        Assert.Equal(before, Hash(path));
    }

    [Fact(Timeout = Timeout)]
    public async Task ResizeAsync_MissingFile_ThrowsNotFound()
    {
        var path = _temp.File("missing.qcow2");

        var e = await Assert.ThrowsAsync<VolumeException>(() => _driver.ResizeAsync(path, GiB, default));

        Assert.Equal(VolumeErrorKind.NotFound, e.Kind);
        Assert.Contains(path, e.Message);
        Assert.False(File.Exists(path));
    }

    [Fact(Timeout = Timeout)]
    public async Task InfoAsync_MissingFile_ReturnsNull()
    {
        Assert.Null(await _driver.InfoAsync(_temp.File("missing.qcow2"), default));
    }

    [Fact(Timeout = Timeout)]
    public async Task SnapshotAsync_ValidName_SnapshotListed()
    {
        var path = await CreateBaseAsync(GiB);

        await _driver.SnapshotAsync(path, "before-upgrade_1.0", default);

        var names = RawInfo(path).GetProperty("snapshots").EnumerateArray().Select(s => s.GetProperty("name").GetString());
        Assert.Equal(["before-upgrade_1.0"], names);
        Assert.Contains("before-upgrade_1.0", QemuImgProbe.Run("snapshot", "-l", path));
    }

    [Fact(Timeout = Timeout)]
    public async Task SnapshotAsync_PathWithCommaAndEquals_ReachesTheRightFile()
    {
        // The path becomes a QEMU option value (--image-opts): its comma must be escaped, or
        // "b,format=raw" would be read as a second option.
        var path = _temp.File("a,file.driver=raw,b.qcow2");
        await _driver.CreateAsync(new VolumeSpec(path, GiB), default);

        await _driver.SnapshotAsync(path, "s1", default);

        Assert.Contains("s1", QemuImgProbe.Run("snapshot", "-l", path));
    }

    [Fact(Timeout = Timeout)]
    public async Task SnapshotAsync_DuplicateName_ThrowsInvalidRequestAndKeepsOneSnapshot()
    {
        var path = await CreateBaseAsync(GiB);
        await _driver.SnapshotAsync(path, "s1", default);

        var e = await Assert.ThrowsAsync<VolumeException>(() => _driver.SnapshotAsync(path, "s1", default));

        Assert.Equal(VolumeErrorKind.InvalidRequest, e.Kind);
        Assert.Single(RawInfo(path).GetProperty("snapshots").EnumerateArray());
    }

    [Theory]
    [InlineData("")]
    [InlineData("with space")]
    [InlineData("semi;colon")]
    [InlineData("new\nline")]
    [InlineData("trailing-newline\n")]
    [InlineData("ünïcode")]
    public async Task SnapshotAsync_BadName_ThrowsInvalidRequestAndTakesNoSnapshot(string name)
    {
        var path = await CreateBaseAsync(GiB);

        var e = await Assert.ThrowsAsync<VolumeException>(() => _driver.SnapshotAsync(path, name, default));

        Assert.Equal(VolumeErrorKind.InvalidRequest, e.Kind);
        Assert.False(RawInfo(path).TryGetProperty("snapshots", out _));
    }

    [Fact(Timeout = Timeout)]
    public async Task SnapshotAsync_MissingFile_ThrowsNotFound()
    {
        var e = await Assert.ThrowsAsync<VolumeException>(() => _driver.SnapshotAsync(_temp.File("missing.qcow2"), "s1", default));

        Assert.Equal(VolumeErrorKind.NotFound, e.Kind);
    }

    [Fact(Timeout = Timeout)]
    public async Task CopyAsync_Overlay_DestinationIsFlattenedWithSameSize()
    {
        var basePath = await CreateBaseAsync(GiB);
        var overlay = _temp.File("overlay.qcow2");
        await _driver.CreateAsync(new VolumeSpec(overlay, 2 * GiB, basePath), default);
        var copy = _temp.File("copies/copy.qcow2");

        await _driver.CopyAsync(overlay, copy, default);

        var info = await _driver.InfoAsync(copy, default);
        Assert.NotNull(info);
        Assert.Equal("qcow2", info.Format);
        Assert.Equal(2 * GiB, info.VirtualSizeBytes);
        Assert.Null(info.BackingFile);
        Assert.False(RawInfo(copy).TryGetProperty("backing-filename", out _));
    }

    [Fact(Timeout = Timeout)]
    public async Task CopyAsync_DestinationExists_ThrowsInvalidRequestAndLeavesItUntouched()
    {
        var source = await CreateBaseAsync(GiB);
        var destination = _temp.File("dest.qcow2");
        byte[] content = [9, 8, 7];
        await File.WriteAllBytesAsync(destination, content);

        var e = await Assert.ThrowsAsync<VolumeException>(() => _driver.CopyAsync(source, destination, default));

        Assert.Equal(VolumeErrorKind.InvalidRequest, e.Kind);
        Assert.Equal(content, await File.ReadAllBytesAsync(destination));
    }

    [Fact(Timeout = Timeout)]
    public async Task CopyAsync_MissingSource_ThrowsNotFoundAndCreatesNothing()
    {
        var destination = _temp.File("dest.qcow2");

        var e = await Assert.ThrowsAsync<VolumeException>(() => _driver.CopyAsync(_temp.File("missing.qcow2"), destination, default));

        Assert.Equal(VolumeErrorKind.NotFound, e.Kind);
        Assert.False(File.Exists(destination));
    }

    [Fact(Timeout = Timeout)]
    public async Task DeleteAsync_ExistingThenAgain_RemovesFileAndSecondCallSucceeds()
    {
        var path = await CreateBaseAsync(GiB);

        await _driver.DeleteAsync(path, default);
        Assert.False(File.Exists(path));
        await _driver.DeleteAsync(path, default);
        await _driver.DeleteAsync(Path.Combine(_temp.Path, "no-such-dir", "x.qcow2"), default);

        Assert.Null(await _driver.InfoAsync(path, default));
    }

    [Fact(Timeout = Timeout)]
    public async Task AnyOperation_ToolMissing_ThrowsToolMissing()
    {
        var driver = new Qcow2VolumeDriver(new QemuImg(_temp.File("no-qemu-img")));
        var path = _temp.File("disk.qcow2");

        var e = await Assert.ThrowsAsync<VolumeException>(() => driver.CreateAsync(new VolumeSpec(path, GiB), default));

        Assert.Equal(VolumeErrorKind.ToolMissing, e.Kind);
        Assert.Contains("qemu-utils", e.Message);
        Assert.False(File.Exists(path));
    }

    private async Task<string> CreateBaseAsync(long size)
    {
        var path = _temp.File("base.qcow2");
        await _driver.CreateAsync(new VolumeSpec(path, size), default);
        return path;
    }

    private static JsonElement RawInfo(string path) =>
        JsonDocument.Parse(QemuImgProbe.Run("info", "--output=json", "-U", path)).RootElement.Clone();

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
}
