using System.ComponentModel;
using CliWrap;
using CliWrap.Buffered;

namespace OcciAgent.Net;

/// <summary>Runs one host tool (ip, nft) the way every network change does:
/// argument arrays, never a shell; a missing binary is <see cref="NetErrorKind.ToolMissing"/>
/// naming its Debian package, a non-zero exit a <see cref="NetException"/> with the tool's stderr.</summary>
public sealed class HostTool(string executable, string debianPackage)
{
    public string Executable { get; } = executable;

    public async Task<string> RunAsync(IReadOnlyList<string> args, CancellationToken ct, string? stdin = null)
    {
        BufferedCommandResult r;
        try
        {
            var cmd = Cli.Wrap(Executable).WithArguments(args).WithValidation(CommandResultValidation.None);
            if (stdin is not null) cmd = cmd.WithStandardInputPipe(PipeSource.FromString(stdin));
            r = await cmd.ExecuteBufferedAsync(ct).ConfigureAwait(false);
        }
        catch (Win32Exception e)
        {
            throw new NetException(NetErrorKind.ToolMissing, $"cannot run {Executable} (install the Debian package {debianPackage}): {e.Message}", e);
        }
        if (r.ExitCode == 0) return r.StandardOutput;
        var err = r.StandardError.Trim();
        // "Unknown device type" is the kernel lacking the link type's module (e.g. 8021q).
        var kind = err.Contains("Unknown device type", StringComparison.Ordinal) ? NetErrorKind.Unsupported : NetErrorKind.Failed;
        throw new NetException(kind, $"'{Path.GetFileName(Executable)} {string.Join(' ', args)}' failed: {(err.Length == 0 ? $"exit {r.ExitCode}" : err)}");
    }
}
