using System.Collections.Concurrent;
using OcciAgent.Hypervisor.Volumes;
using OcciAgent.Occi.Catalog;

namespace OcciAgent.Storage;

/// <summary>Makes storage entities real qcow2 volumes in <c>volumes/</c> (one file per entity id)
/// through <see cref="IVolumeDriver"/>. OCCI sizes are GiB floats (GFD.224 §3.3); volumes are
/// byte counts rounded up to whole 512-byte sectors, as qemu-img does.</summary>
public sealed class StorageBackend(IVolumeDriver driver, string volumesDir)
{
    public const double GiB = 1024d * 1024 * 1024;
    private readonly ConcurrentDictionary<string, (DateTime Mtime, long Length, VolumeInfo Info)> _infoCache = new();

    public string VolumesDir { get; } = volumesDir;
    public IVolumeDriver Driver { get; } = driver;

    public string PathFor(string entityId) => Path.Combine(VolumesDir, entityId + ".qcow2");

    public static long ToBytes(double gib)
    {
        var bytes = (long)Math.Ceiling(gib * GiB);
        return (bytes + 511) / 512 * 512;
    }

    public static double ToGiB(long bytes) => bytes / GiB;

    public async Task<VolumeInfo> CreateAsync(string entityId, double? sizeGiB, ImageInfo? image, CancellationToken ct)
    {
        var path = PathFor(entityId);
        long size;
        if (sizeGiB is { } gib) size = ToBytes(gib);
        else if (image is not null)
            size = (await Driver.InfoAsync(image.Path, ct)
                ?? throw new VolumeException(VolumeErrorKind.NotFound, $"image file '{image.Path}' of os_tpl {image.Name} is missing")).VirtualSizeBytes;
        else throw new VolumeException(VolumeErrorKind.InvalidRequest, "occi.storage.size is required when no os_tpl image gives the size");
        await Driver.CreateAsync(new VolumeSpec(path, size, image?.Path), ct);
        return await InfoAsync(entityId, ct) ?? throw new VolumeException(VolumeErrorKind.Failed, $"volume '{path}' vanished right after creation");
    }

    public Task ResizeAsync(string entityId, double sizeGiB, CancellationToken ct) =>
        Driver.ResizeAsync(PathFor(entityId), ToBytes(sizeGiB), ct);

    public async Task DeleteAsync(string entityId, CancellationToken ct)
    {
        _infoCache.TryRemove(PathFor(entityId), out _);
        await Driver.DeleteAsync(PathFor(entityId), ct);
    }

    /// <summary>The real volume, or null when its file is missing. Cached by mtime and length so
    /// listings do not run qemu-img for every unchanged volume.</summary>
    public async Task<VolumeInfo?> InfoAsync(string entityId, CancellationToken ct)
    {
        var path = PathFor(entityId);
        var fi = new FileInfo(path);
        if (!fi.Exists)
        {
            _infoCache.TryRemove(path, out _);
            return null;
        }
        if (_infoCache.TryGetValue(path, out var c) && c.Mtime == fi.LastWriteTimeUtc && c.Length == fi.Length)
            return c.Info;
        var info = await Driver.InfoAsync(path, ct);
        if (info is not null) _infoCache[path] = (fi.LastWriteTimeUtc, fi.Length, info);
        return info;
    }
}
