using System.ComponentModel;
using CliWrap;
using CliWrap.Buffered;

namespace OcciAgent.Net.Links;

/// <summary>Runs iproute2's <c>ip</c> (issue #4 item 6): argument arrays, never a shell, JSON
/// output where something is read back (<c>-j</c>).</summary>
public sealed class IpTool(string executable = "ip")
{
    public string Executable { get; } = executable;

    /// <summary>Runs <c>ip ARGS</c>; a non-zero exit is a <see cref="NetException"/> carrying the
    /// command and ip's stderr.</summary>
    public async Task<string> RunAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        BufferedCommandResult r;
        try
        {
            r = await Cli.Wrap(Executable).WithArguments(args)
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(ct).ConfigureAwait(false);
        }
        catch (Win32Exception e)
        {
            throw new NetException(NetErrorKind.ToolMissing, $"cannot run {Executable} (install the Debian package iproute2): {e.Message}", e);
        }
        if (r.ExitCode == 0) return r.StandardOutput;
        var err = r.StandardError.Trim();
        // "Unknown device type" is the kernel lacking the link type's module (e.g. 8021q).
        var kind = err.Contains("Unknown device type", StringComparison.Ordinal) ? NetErrorKind.Unsupported : NetErrorKind.Failed;
        throw new NetException(kind, $"'ip {string.Join(' ', args)}' failed: {(err.Length == 0 ? $"exit {r.ExitCode}" : err)}");
    }
}
