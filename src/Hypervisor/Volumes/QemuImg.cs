using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using CliWrap;
using CliWrap.Buffered;

namespace OcciAgent.Hypervisor.Volumes;

/// <summary>A thin typed wrapper over the <c>qemu-img</c> CLI (man page qemu-img(1)). Every command is
/// built as an argument array and run without a shell, so paths need no quoting. Failures are
/// <see cref="VolumeException"/>: <see cref="VolumeErrorKind.ToolMissing"/> when the binary cannot be
/// found, <see cref="VolumeErrorKind.Failed"/> (with a <see cref="QemuImgException"/> inside carrying argv
/// and stderr) when a command exits non-zero. Policy (refusing to shrink, existing files, ...) belongs
/// to <see cref="Qcow2VolumeDriver"/>, not here.</summary>
public sealed partial class QemuImg
{
    private const string MissingMessage = "qemu-img not found (install the Debian package qemu-utils)";

    /// <summary>Uses <paramref name="executable"/>: a bare name is looked up on <c>PATH</c> at each call,
    /// a name with a '/' is used as a file path. The constructor never touches the file system, so a host
    /// without qemu-utils can still start and report <see cref="VolumeErrorKind.ToolMissing"/>.</summary>
    public QemuImg(string executable = "qemu-img")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(executable);
        Executable = executable;
    }

    /// <summary>The configured executable name or path.</summary>
    public string Executable { get; }

    /// <summary><c>qemu-img create -f qcow2 [-b BACKING -F qcow2] PATH SIZE</c>. The size is passed in bytes
    /// as a plain integer (no suffix means bytes). Overwrites an existing file: callers check first.</summary>
    public Task CreateAsync(string path, long sizeBytes, string? backingFile, CancellationToken ct)
    {
        VolumePath.EnsureUsable(path, "volume");
        string[] args = backingFile is null
            ? ["create", "-f", "qcow2", path, Bytes(sizeBytes)]
            // -F is required with -b since QEMU 6.1; without it qemu-img refuses (docs/host-notes.md).
            : ["create", "-f", "qcow2", "-b", VolumePath.EnsureUsable(backingFile, "backing file"), "-F", "qcow2", path, Bytes(sizeBytes)];
        return RunAsync(args, path, ct);
    }

    /// <summary><c>qemu-img info --output=json -U PATH</c>. <c>-U</c> (force-share) lets us read an image
    /// that a running VM holds locked.</summary>
    public async Task<QemuImgInfo> InfoAsync(string path, CancellationToken ct)
    {
        VolumePath.EnsureUsable(path, "volume");
        var stdout = await RunAsync(["info", "--output=json", "-U", path], path, ct).ConfigureAwait(false);
        try
        {
            return QemuImgInfo.Parse(stdout);
        }
        catch (FormatException e)
        {
            throw new VolumeException(VolumeErrorKind.Failed,
                $"qemu-img info printed output that could not be parsed for '{path}': {e.Message}", e);
        }
    }

    /// <summary><c>qemu-img resize -f qcow2 PATH SIZE</c> to an absolute size in bytes (the format is
    /// given, never probed: probing lets guest-written data pick the format). Without <c>--shrink</c>
    /// qemu-img itself refuses to shrink; it also works on qcow2 overlays.</summary>
    public Task ResizeAsync(string path, long sizeBytes, CancellationToken ct)
    {
        VolumePath.EnsureUsable(path, "volume");
        return RunAsync(["resize", "-f", "qcow2", path, Bytes(sizeBytes)], path, ct);
    }

    /// <summary><c>qemu-img snapshot -c NAME PATH</c>: creates an internal snapshot. The image must not be
    /// in use by a VM (use QMP <c>snapshot-save</c> for that).</summary>
    public Task SnapshotAsync(string path, string name, CancellationToken ct)
    {
        VolumePath.EnsureUsable(path, "volume");
        ArgumentException.ThrowIfNullOrEmpty(name);
        // qemu-img 7.2's snapshot has no -f: the format is given through --image-opts instead
        // (never probed), which makes the path an option value that must be escaped.
        return RunAsync(["snapshot", "--image-opts", "-c", name,
            Qemu.QemuOpt.Join(("driver", "qcow2"), ("file.driver", "file"), ("file.filename", path))], path, ct);
    }

    /// <summary><c>qemu-img snapshot -d NAME PATH</c>: removes an internal snapshot (e.g. the saved
    /// RAM of a hibernated VM that is being stopped instead of resumed).</summary>
    public Task DeleteSnapshotAsync(string path, string name, CancellationToken ct)
    {
        VolumePath.EnsureUsable(path, "volume");
        ArgumentException.ThrowIfNullOrEmpty(name);
        return RunAsync(["snapshot", "--image-opts", "-d", name,
            Qemu.QemuOpt.Join(("driver", "qcow2"), ("file.driver", "file"), ("file.filename", path))], path, ct);
    }

    /// <summary><c>qemu-img convert -O qcow2 SRC DST</c>: writes a standalone qcow2 copy (any backing
    /// chain is flattened into it).</summary>
    public Task ConvertAsync(string sourcePath, string destinationPath, CancellationToken ct)
    {
        VolumePath.EnsureUsable(sourcePath, "source volume");
        VolumePath.EnsureUsable(destinationPath, "destination volume");
        return RunAsync(["convert", "-f", "qcow2", "-O", "qcow2", sourcePath, destinationPath], sourcePath, ct);
    }

    /// <summary><c>qemu-img --version</c>, parsed from its first line ("qemu-img version 7.2.22 (...)").</summary>
    public async Task<Version> VersionAsync(CancellationToken ct = default)
    {
        var stdout = await RunAsync(["--version"], null, ct).ConfigureAwait(false);
        return ParseVersion(stdout) ?? throw new VolumeException(VolumeErrorKind.Failed,
            $"qemu-img --version printed no version: '{stdout.Split('\n')[0].Trim()}'");
    }

    /// <summary>Parses the banner of <c>qemu-img --version</c>; null when it is not recognised.</summary>
    internal static Version? ParseVersion(string banner)
    {
        var match = VersionPattern().Match(banner);
        if (!match.Success)
            return null;
        int Part(int group) => int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);
        return match.Groups[3].Success ? new Version(Part(1), Part(2), Part(3)) : new Version(Part(1), Part(2));
    }

    [GeneratedRegex(@"^qemu-img version (\d+)\.(\d+)(?:\.(\d+))?", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();

    private static string Bytes(long sizeBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sizeBytes);
        return sizeBytes.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Runs qemu-img with <paramref name="args"/> and returns stdout; maps failures as described on the type.</summary>
    private async Task<string> RunAsync(string[] args, string? subjectPath, CancellationToken ct)
    {
        var executablePath = Resolve();
        BufferedCommandResult result;
        try
        {
            result = await Cli.Wrap(executablePath)
                .WithArguments(args)
                // We check the exit code ourselves so the error names the subcommand, path and stderr.
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(Encoding.UTF8, Encoding.UTF8, ct)
                .ConfigureAwait(false);
        }
        catch (Exception e) when (e is Win32Exception || e.InnerException is Win32Exception)
        {
            // Removed or made non-executable between Resolve() and exec.
            throw new VolumeException(VolumeErrorKind.ToolMissing, $"{MissingMessage}; could not run '{executablePath}'", e);
        }

        if (result.ExitCode == 0)
            return result.StandardOutput;

        var inner = new QemuImgException(executablePath, args, result.ExitCode, result.StandardError);
        var subject = subjectPath is null ? "" : $" for '{subjectPath}'";
        throw new VolumeException(VolumeErrorKind.Failed,
            $"qemu-img {args[0]} failed{subject} (exit {result.ExitCode}): {result.StandardError.Trim()}", inner);
    }

    /// <summary>Finds the executable as execvp(3) would, so a missing tool is reported before exec.</summary>
    private string Resolve()
    {
        if (Executable.Contains('/'))
        {
            return IsExecutableFile(Executable)
                ? Executable
                : throw new VolumeException(VolumeErrorKind.ToolMissing, $"{MissingMessage}; '{Executable}' is not an executable file");
        }

        var searchPath = Environment.GetEnvironmentVariable("PATH");
        if (string.IsNullOrEmpty(searchPath))
            searchPath = "/usr/local/bin:/usr/bin:/bin";
        foreach (var directory in searchPath.Split(':'))
        {
            // An empty PATH entry means the current directory (POSIX); we skip it on purpose.
            if (directory.Length == 0)
                continue;
            var candidate = Path.Combine(directory, Executable);
            if (IsExecutableFile(candidate))
                return candidate;
        }
        throw new VolumeException(VolumeErrorKind.ToolMissing, $"{MissingMessage}; '{Executable}' is not on PATH");
    }

    private static bool IsExecutableFile(string path)
    {
        if (!File.Exists(path))
            return false;
        if (OperatingSystem.IsWindows())
            return true;
        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(path) & anyExecute) != 0;
    }
}
