using Microsoft.Extensions.Logging.Abstractions;
using OcciAgent.Occi.Catalog;
using OcciAgent.Storage;
using OcciAgent.Tests.Kit;

namespace OcciAgent.Tests.Storage;

/// <summary>images/ is watched: an image dropped in or removed shows in the catalog after the
/// debounce, without a request or a restart (GFD.224 §3.5.1 os_tpl mixins).</summary>
[Trait("Category", "Unit")]
public sealed class ImageWatcherTests : IDisposable
{
    private readonly TempDir _dir = new("occi-images-");
    private readonly OcciCatalog _catalog = new("http://node.test/occi/");
    private readonly ImageLibrary _images;
    private readonly ImageWatcher _watcher;

    public ImageWatcherTests()
    {
        _images = new ImageLibrary(_dir.Path, _catalog, NullLogger<ImageLibrary>.Instance);
        _watcher = new ImageWatcher(_images, NullLogger<ImageWatcher>.Instance);
        _watcher.Start();
        _images.Refresh();
    }

    public void Dispose()
    {
        _watcher.Dispose();
        _dir.Dispose();
    }

    private bool Published(string term) => _catalog.Current.Mixins.Any(m => m.Term == term && m.Backing is ImageInfo);

    private async Task<bool> Within(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition() && DateTime.UtcNow < deadline) await Task.Delay(20);
        return condition();
    }

    [Fact]
    public async Task A_DroppedInImageIsPublishedAndARemovedOneWithdrawn()
    {
        Assert.False(Published("debian12"));

        File.WriteAllText(_dir.File("debian12.qcow2"), "not read by the scan");
        Assert.True(await Within(() => Published("debian12")), "the new image was not published");

        File.Delete(_dir.File("debian12.qcow2"));
        Assert.True(await Within(() => !Published("debian12")), "the removed image stayed published");
    }

    [Fact]
    public async Task A_SidecarRewrittenInPlaceIsReadAgain()
    {
        File.WriteAllText(_dir.File("web.qcow2"), "");
        File.WriteAllText(_dir.File("web.json"), """{"title": "first"}""");
        Assert.True(await Within(() => _catalog.Current.Mixins.Any(m => m.Term == "web" && m.Title == "first")));

        File.WriteAllText(_dir.File("web.json"), """{"title": "second"}""");

        Assert.True(await Within(() => _catalog.Current.Mixins.Any(m => m.Term == "web" && m.Title == "second")),
            "the new title was not read");
    }
}
