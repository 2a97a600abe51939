namespace OcciAgent.Net.Dhcp;

// The run directory: its creation, and what an earlier agent process left in it.
public sealed partial class DnsmasqDhcpServer
{
    private const UnixFileMode DirMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    public async Task RemoveLeftoversAsync(IReadOnlySet<string> keep, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(keep);
        var keys = new HashSet<string>(_scopes.Keys, StringComparer.Ordinal);
        if (Directory.Exists(options.RunDir))
            foreach (var f in Directory.EnumerateFiles(options.RunDir))
                if (DhcpPaths.KeyOf(Path.GetFileName(f)) is { } key)
                    keys.Add(key);
        foreach (var key in keys.Where(k => !keep.Contains(k)).Order(StringComparer.Ordinal))
            await StopAsync(key, ct).ConfigureAwait(false);
    }

    /// <summary>Creates the run directory (0755: dnsmasq re-reads hosts files as its own user)
    /// and warns when a parent keeps that user out.</summary>
    private void PrepareRunDir()
    {
        if (string.IsNullOrWhiteSpace(options.RunDir) || !Path.IsPathFullyQualified(options.RunDir))
            throw new ArgumentException($"DHCP run directory '{options.RunDir}' must be an absolute path");
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("DHCP with dnsmasq needs Linux");
        Directory.CreateDirectory(options.RunDir, DirMode);
        // mkdir's mode is masked by the umask (the service unit sets UMask=0077): set it explicitly.
        File.SetUnixFileMode(options.RunDir, DirMode);
        if (options.User == "root") return;
        for (var dir = new DirectoryInfo(options.RunDir); dir is not null; dir = dir.Parent)
        {
            if ((dir.UnixFileMode & UnixFileMode.OtherExecute) == 0)
            {
                DhcpLog.RunDirClosed(log, dir.FullName, options.User);
                return;
            }
        }
    }
}
