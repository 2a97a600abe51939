using System.Text.RegularExpressions;

namespace OcciAgent.Hypervisor.Volumes;

/// <summary>Volumes as qcow2 files on the local file system, made with <see cref="QemuImg"/>.
/// Adds the policy qemu-img lacks: never overwrite, never shrink, never present an overlay smaller
/// than its base. Paths are made absolute against the current directory; a backing file must be
/// absolute already (see <see cref="VolumePath"/> for why).</summary>
/// <remarks>Operations that need to write the image (resize, snapshot) fail with
/// <see cref="VolumeErrorKind.Failed"/> and qemu-img's lock error while a VM uses it; a running VM's
/// disk is changed through QMP instead.</remarks>
public sealed partial class Qcow2VolumeDriver : IVolumeDriver
{
    /// <summary>qcow2 sizes are whole 512-byte sectors: <c>qemu-img create</c> silently rounds up and
    /// <c>qemu-img resize</c> refuses anything else, so we refuse up front for both.</summary>
    private const long SectorSize = 512;

    // Owner-only: volumes hold guest data; QEMU runs as the agent's user and needs nothing more.
    private const UnixFileMode ImageFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly QemuImg _qemuImg;

    /// <summary>Creates the driver over the given qemu-img wrapper.</summary>
    public Qcow2VolumeDriver(QemuImg qemuImg)
    {
        ArgumentNullException.ThrowIfNull(qemuImg);
        _qemuImg = qemuImg;
    }

    /// <inheritdoc />
    public async Task CreateAsync(VolumeSpec spec, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var path = VolumePath.Normalize(spec.Path, "volume");
        EnsureValidSize(spec.SizeBytes, path);

        string? backingFile = null;
        if (spec.BackingFile is not null)
        {
            backingFile = VolumePath.EnsureUsable(spec.BackingFile, "backing file");
            if (!File.Exists(backingFile))
                throw new VolumeException(VolumeErrorKind.NotFound, $"The backing file '{backingFile}' of '{path}' does not exist");
            var backing = await _qemuImg.InfoAsync(backingFile, ct).ConfigureAwait(false);
            if (backing.Format != "qcow2")
                throw new VolumeException(VolumeErrorKind.InvalidRequest,
                    $"The backing file '{backingFile}' is {backing.Format}, not qcow2");
            // qemu-img accepts a smaller overlay and the guest then sees a silently truncated disk.
            if (spec.SizeBytes < backing.VirtualSizeBytes)
                throw new VolumeException(VolumeErrorKind.InvalidRequest,
                    $"The size of '{path}' must be at least {backing.VirtualSizeBytes} bytes, the virtual size of its backing file '{backingFile}' (asked for {spec.SizeBytes})");
        }

        if (Directory.Exists(path))
            throw new VolumeException(VolumeErrorKind.InvalidRequest, $"The volume '{path}' cannot be created: a directory exists there");
        await WriteNewFileAsync(path, () => _qemuImg.CreateAsync(path, spec.SizeBytes, backingFile, ct)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task ResizeAsync(string path, long newSizeBytes, CancellationToken ct)
    {
        path = VolumePath.Normalize(path, "volume");
        EnsureValidSize(newSizeBytes, path);
        var current = await RequireInfoAsync(path, ct).ConfigureAwait(false);
        if (newSizeBytes < current.VirtualSizeBytes)
            throw new VolumeException(VolumeErrorKind.InvalidRequest,
                $"Shrinking '{path}' from {current.VirtualSizeBytes} to {newSizeBytes} bytes is refused: it would destroy data");
        if (newSizeBytes == current.VirtualSizeBytes)
            return;
        await _qemuImg.ResizeAsync(path, newSizeBytes, ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<VolumeInfo?> InfoAsync(string path, CancellationToken ct)
    {
        path = VolumePath.Normalize(path, "volume");
        if (!File.Exists(path))
            return null;
        var info = await _qemuImg.InfoAsync(path, ct).ConfigureAwait(false);
        return new VolumeInfo(path, info.Format, info.VirtualSizeBytes, info.ActualSizeBytes, info.BackingFile);
    }

    /// <inheritdoc />
    public Task DeleteAsync(string path, CancellationToken ct)
    {
        path = VolumePath.Normalize(path, "volume");
        ct.ThrowIfCancellationRequested();
        if (Directory.Exists(path))
            throw new VolumeException(VolumeErrorKind.InvalidRequest, $"'{path}' is a directory, not a volume");
        try
        {
            File.Delete(path); // no error when the file is missing
        }
        catch (DirectoryNotFoundException)
        {
            // The parent directory is gone, so the file is too.
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new VolumeException(VolumeErrorKind.Failed, $"Deleting the volume '{path}' failed: {e.Message}", e);
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task SnapshotAsync(string path, string name, CancellationToken ct)
    {
        path = VolumePath.Normalize(path, "volume");
        ArgumentNullException.ThrowIfNull(name);
        if (!SnapshotNamePattern().IsMatch(name))
            throw new VolumeException(VolumeErrorKind.InvalidRequest,
                $"The snapshot name '{VolumePath.Printable(name)}' for '{path}' is invalid: use only letters, digits, '-', '_' and '.'");
        var info = await RequireInfoAsync(path, ct).ConfigureAwait(false);
        // qemu-img happily stores two snapshots with the same name; later lookups by name are then ambiguous.
        if (info.SnapshotNames.Contains(name, StringComparer.Ordinal))
            throw new VolumeException(VolumeErrorKind.InvalidRequest, $"The volume '{path}' already has a snapshot named '{name}'");
        await _qemuImg.SnapshotAsync(path, name, ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task CopyAsync(string sourcePath, string destinationPath, CancellationToken ct)
    {
        sourcePath = VolumePath.Normalize(sourcePath, "source volume");
        destinationPath = VolumePath.Normalize(destinationPath, "destination volume");
        if (!File.Exists(sourcePath))
            throw new VolumeException(VolumeErrorKind.NotFound, $"The volume '{sourcePath}' to copy does not exist");
        if (Directory.Exists(destinationPath))
            throw new VolumeException(VolumeErrorKind.InvalidRequest,
                $"Cannot copy '{sourcePath}' to '{destinationPath}': a directory exists there");
        await WriteNewFileAsync(destinationPath, () => _qemuImg.ConvertAsync(sourcePath, destinationPath, ct)).ConfigureAwait(false);
    }

    private async Task<QemuImgInfo> RequireInfoAsync(string path, CancellationToken ct)
    {
        if (!File.Exists(path))
            throw new VolumeException(VolumeErrorKind.NotFound, $"The volume '{path}' does not exist");
        return await _qemuImg.InfoAsync(path, ct).ConfigureAwait(false);
    }

    /// <summary>Claims <paramref name="path"/> with an exclusive create (so two creators cannot both pass an
    /// "exists?" check), lets <paramref name="write"/> fill it (qemu-img truncates and rewrites it), and
    /// removes the file again if writing fails, so no half-made image is left behind.</summary>
    private static async Task WriteNewFileAsync(string path, Func<Task> write)
    {
        var directory = Path.GetDirectoryName(path);
        try
        {
            if (directory is not null)
                Directory.CreateDirectory(directory);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = ImageFileMode;
            new FileStream(path, options).Dispose();
        }
        catch (IOException) when (File.Exists(path))
        {
            throw new VolumeException(VolumeErrorKind.InvalidRequest, $"The file '{path}' already exists; refusing to overwrite it");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new VolumeException(VolumeErrorKind.Failed, $"Cannot create the file '{path}': {e.Message}", e);
        }

        try
        {
            await write().ConfigureAwait(false);
        }
        catch
        {
            try
            {
                File.Delete(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Keep the original error; the leftover file is named in it.
            }
            throw;
        }
    }

    private static void EnsureValidSize(long sizeBytes, string path)
    {
        if (sizeBytes <= 0)
            throw new VolumeException(VolumeErrorKind.InvalidRequest, $"The size of '{path}' must be positive, not {sizeBytes} bytes");
        if (sizeBytes % SectorSize != 0)
            throw new VolumeException(VolumeErrorKind.InvalidRequest,
                $"The size of '{path}' must be a multiple of {SectorSize} bytes, not {sizeBytes}");
    }

    [GeneratedRegex(@"^[A-Za-z0-9._-]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex SnapshotNamePattern();
}
