namespace OcciAgent.Hypervisor.Volumes;

/// <summary>What to create: a qcow2 file at <paramref name="Path"/> of <paramref name="SizeBytes"/>
/// virtual bytes, optionally an overlay on a qcow2 <paramref name="BackingFile"/> (absolute path).</summary>
public sealed record VolumeSpec(string Path, long SizeBytes, string? BackingFile = null);

/// <summary>What a volume really is, read from <c>qemu-img info --output=json</c>.</summary>
public sealed record VolumeInfo(string Path, string Format, long VirtualSizeBytes, long ActualSizeBytes, string? BackingFile);

/// <summary>Creates and changes disk volumes on this host. Implementations never know about
/// OCCI or HTTP; failures are <see cref="VolumeException"/>.</summary>
public interface IVolumeDriver
{
    /// <summary>Creates the volume; fails if the file exists already.</summary>
    Task CreateAsync(VolumeSpec spec, CancellationToken ct);

    /// <summary>Grows the volume to <paramref name="newSizeBytes"/>; refuses to shrink.</summary>
    Task ResizeAsync(string path, long newSizeBytes, CancellationToken ct);

    /// <summary>Reads the real volume; null when the file does not exist.</summary>
    Task<VolumeInfo?> InfoAsync(string path, CancellationToken ct);

    /// <summary>Removes the file; a missing file is not an error.</summary>
    Task DeleteAsync(string path, CancellationToken ct);

    /// <summary>Creates an internal qcow2 snapshot named <paramref name="name"/>.</summary>
    Task SnapshotAsync(string path, string name, CancellationToken ct);

    /// <summary>Copies the volume (flattening any backing chain) into a new qcow2 file.</summary>
    Task CopyAsync(string sourcePath, string destinationPath, CancellationToken ct);
}

/// <summary>Why a volume operation failed, so callers can choose a response without parsing text.</summary>
public enum VolumeErrorKind { NotFound, InvalidRequest, ToolMissing, Failed }

/// <summary>A volume operation failed. The message says what failed, on which file and why
/// (including the tool's stderr when a command failed).</summary>
public sealed class VolumeException(VolumeErrorKind kind, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public VolumeErrorKind Kind { get; } = kind;
}
