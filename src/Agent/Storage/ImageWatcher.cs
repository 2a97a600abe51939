using Microsoft.Extensions.Logging;

namespace OcciAgent.Storage;

/// <summary>Keeps <see cref="ImageLibrary"/> current without any request scanning images/: the
/// kernel reports changes of the directory (inotify, through <see cref="FileSystemWatcher"/>), and
/// once it has been quiet for <see cref="Debounce"/> the library rescans. A copy that writes for
/// a while thus costs one scan after its last write, not one per write.</summary>
public sealed class ImageWatcher(ImageLibrary images, ILogger<ImageWatcher> log) : IDisposable
{
    public static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(200);
    private readonly object _gate = new();
    private FileSystemWatcher? _watcher;
    private Timer? _timer;

    /// <summary>Starts watching (before the first scan, so no change falls between the two). A
    /// host where inotify is unavailable or exhausted still serves the images found at start.</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_watcher is not null) return;
            _timer = new Timer(_ => Rescan(), null, Timeout.Infinite, Timeout.Infinite);
            try
            {
                var w = new FileSystemWatcher(images.ImagesDir)
                {
                    IncludeSubdirectories = false,
                    NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
                };
                w.Created += (_, _) => Changed();
                w.Deleted += (_, _) => Changed();
                w.Renamed += (_, _) => Changed();
                w.Changed += (_, _) => Changed();
                // Lost events (queue overflow): the directory may differ in any way, so rescan.
                w.Error += (_, _) => Changed();
                w.EnableRaisingEvents = true;
                _watcher = w;
            }
            catch (Exception e) when (e is IOException or ArgumentException or PlatformNotSupportedException or UnauthorizedAccessException)
            {
                Log.ImageWatchFailed(log, images.ImagesDir, e.Message);
            }
        }
    }

    private void Changed()
    {
        lock (_gate) _timer?.Change(Debounce, Timeout.InfiniteTimeSpan);
    }

    private void Rescan()
    {
        try
        {
            images.Refresh();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.ImageWatchFailed(log, images.ImagesDir, e.Message);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _watcher?.Dispose();
            _watcher = null;
            _timer?.Dispose();
            _timer = null;
        }
    }
}
