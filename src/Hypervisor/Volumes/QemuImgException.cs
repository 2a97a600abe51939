namespace OcciAgent.Hypervisor.Volumes;

/// <summary>A <c>qemu-img</c> command ran and exited non-zero. Carried as the inner exception of a
/// <see cref="VolumeException"/> of kind <see cref="VolumeErrorKind.Failed"/>, so logs keep the exact
/// argv and stderr while callers only look at <see cref="VolumeException.Kind"/>.</summary>
public sealed class QemuImgException : Exception
{
    /// <summary>Creates the exception for one finished command.</summary>
    public QemuImgException(string executablePath, IReadOnlyList<string> arguments, int exitCode, string standardError)
        : base($"Command '{executablePath} {string.Join(' ', arguments.Select(Quote))}' exited with code {exitCode}: {standardError.Trim()}")
    {
        ExecutablePath = executablePath;
        Arguments = arguments;
        ExitCode = exitCode;
        StandardError = standardError;
    }

    /// <summary>The resolved executable that was run.</summary>
    public string ExecutablePath { get; }

    /// <summary>The argv passed to the executable (without argv[0]), exactly as given to the process.</summary>
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>The process exit code.</summary>
    public int ExitCode { get; }

    /// <summary>Everything the command wrote to stderr.</summary>
    public string StandardError { get; }

    // For display only: the arguments were passed as an array, never through a shell.
    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,+".Contains(c))
            ? argument
            : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
