namespace OcciAgent.Hypervisor.Volumes;

/// <summary>Checks a file path before it reaches qemu-img.</summary>
internal static class VolumePath
{
    /// <summary>Returns <paramref name="path"/> when it is safe to hand to qemu-img, else throws
    /// <see cref="VolumeException"/> of kind <see cref="VolumeErrorKind.InvalidRequest"/>.</summary>
    /// <remarks>
    /// Paths go to qemu-img as separate argv elements, never through a shell, so no shell quoting is
    /// needed. What remains is what qemu itself does with a filename:
    /// <list type="bullet">
    /// <item>It must be fully qualified. A relative name starting with '-' would be read as an option,
    /// and QEMU treats a name of the form <c>protocol:...</c> (e.g. <c>json:{...}</c>, <c>nbd:...</c>) as a
    /// protocol specification rather than a file; a leading '/' rules out both. A relative <c>-b</c> value
    /// would also be resolved against the overlay's directory, not ours.</item>
    /// <item>No NUL: argv elements are C strings, so qemu-img would silently act on the part before the
    /// NUL, a different file from the one we checked.</item>
    /// <item>No line break: the <c>-b</c> value is stored verbatim in the qcow2 header as the backing
    /// filename (qemu-img treats it as a filename only, it is not parsed), and from there it reappears in
    /// line-oriented places: qemu-img's human output, our logs, OCCI text renderings whose attributes are
    /// one per header line. A newline in it would let one path read as two records.</item>
    /// </list>
    /// Commas are fine here; whoever puts a path into a QEMU <c>-drive</c>/<c>-blockdev</c> option string
    /// must double them there.
    /// </remarks>
    public static string EnsureUsable(string path, string role)
    {
        EnsureNoControlCharacters(path, role);
        if (!Path.IsPathFullyQualified(path))
            throw new VolumeException(VolumeErrorKind.InvalidRequest, $"The {role} path '{path}' is not absolute");
        return path;
    }

    /// <summary>Rejects (InvalidRequest) an empty path or one with a NUL or line break, then makes it absolute
    /// against the current directory. Only for paths we name ourselves; a backing file must already be
    /// absolute, because qemu would resolve a relative one against the overlay's directory.</summary>
    public static string Normalize(string path, string role)
    {
        EnsureNoControlCharacters(path, role);
        return Path.GetFullPath(path);
    }

    private static void EnsureNoControlCharacters(string path, string role)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0)
            throw new VolumeException(VolumeErrorKind.InvalidRequest, $"The {role} path is empty");
        if (path.AsSpan().IndexOfAny('\0', '\n', '\r') >= 0)
            throw new VolumeException(VolumeErrorKind.InvalidRequest,
                $"The {role} path '{Printable(path)}' contains a NUL or line break, which qemu-img cannot be given safely");
    }

    /// <summary>Makes control characters visible so an error message about them stays one line.</summary>
    public static string Printable(string path) =>
        path.Replace("\0", "\\0", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal)
            .Replace("\r", "\\r", StringComparison.Ordinal);
}
