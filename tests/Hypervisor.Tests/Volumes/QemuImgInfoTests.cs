using OcciAgent.Hypervisor.Volumes;

namespace OcciAgent.Hypervisor.Tests.Volumes;

[Trait("Category", "Integration")]
public sealed class QemuImgInfoTests
{
    // Captured from QEMU 7.2 `qemu-img info --output=json -U ov.qcow2` (an overlay with one snapshot).
    private const string OverlayWithSnapshot = """
        {
            "backing-filename-format": "qcow2",
            "snapshots": [
                {
                    "icount": 0,
                    "vm-clock-nsec": 0,
                    "name": "s1",
                    "date-sec": 1795839164,
                    "date-nsec": 319045000,
                    "vm-clock-sec": 0,
                    "id": "1",
                    "vm-state-size": 0
                }
            ],
            "virtual-size": 1073741824,
            "filename": "ov.qcow2",
            "cluster-size": 65536,
            "format": "qcow2",
            "actual-size": 208896,
            "format-specific": {
                "type": "qcow2",
                "data": {
                    "compat": "1.1",
                    "compression-type": "zlib",
                    "lazy-refcounts": false,
                    "refcount-bits": 16,
                    "corrupt": false,
                    "extended-l2": false
                }
            },
            "full-backing-filename": "/tmp/qi/base.qcow2",
            "backing-filename": "base.qcow2",
            "dirty-flag": false
        }
        """;

    [Fact]
    public void Parse_OverlayWithSnapshot_ReadsAllFields()
    {
        var info = QemuImgInfo.Parse(OverlayWithSnapshot);

        Assert.Equal("qcow2", info.Format);
        Assert.Equal(1073741824L, info.VirtualSizeBytes);
        Assert.Equal(208896L, info.ActualSizeBytes);
        Assert.Equal("base.qcow2", info.BackingFilename);
        Assert.Equal("/tmp/qi/base.qcow2", info.FullBackingFilename);
        Assert.Equal("/tmp/qi/base.qcow2", info.BackingFile);
        Assert.Equal("qcow2", info.BackingFormat);
        Assert.Equal(["s1"], info.SnapshotNames);
    }

    [Fact]
    public void Parse_PlainImage_HasNoBackingFileAndNoSnapshots()
    {
        var info = QemuImgInfo.Parse("""{"virtual-size": 512, "filename": "a.raw", "format": "raw", "actual-size": 4096, "dirty-flag": false}""");

        Assert.Equal("raw", info.Format);
        Assert.Equal(512L, info.VirtualSizeBytes);
        Assert.Null(info.BackingFile);
        Assert.Empty(info.SnapshotNames);
    }

    [Fact]
    public void Parse_OnlyRecordedBackingName_FallsBackToIt()
    {
        var info = QemuImgInfo.Parse("""{"virtual-size": 1024, "format": "qcow2", "backing-filename": "/b.qcow2"}""");

        Assert.Equal("/b.qcow2", info.BackingFile);
        Assert.Equal(0L, info.ActualSizeBytes);
    }

    [Theory]
    [InlineData("""{"format": "qcow2"}""")]
    [InlineData("""{"virtual-size": 1024}""")]
    [InlineData("""{"virtual-size": "1024", "format": "qcow2"}""")]
    [InlineData("""[]""")]
    [InlineData("qemu-img: Could not open 'x'")]
    public void Parse_MalformedOutput_ThrowsFormatException(string json)
    {
        Assert.Throws<FormatException>(() => QemuImgInfo.Parse(json));
    }
}
