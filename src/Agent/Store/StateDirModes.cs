using OcciAgent.Config;

namespace OcciAgent.Store;

/// <summary>The state dir is private to the agent's user: 0700, every file in it 0600 (the process
/// umask, <see cref="PosixAccess.SetPrivateUmask"/>, makes new ones so). The one exception is
/// the path to dnsmasq's run dir when it lies inside the state dir: dnsmasq re-reads its files as
/// its own user, so the state dir and the dirs down to it are 0711 (traversable, not listable).
/// Files an older agent left more open are tightened at start.</summary>
public static class StateDirModes
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode Traversable = Private | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
    private const UnixFileMode GroupOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    public static void Apply(AgentOptions options)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("occi-agent runs on Linux");
        var state = Path.GetFullPath(options.StateDir);
        Directory.CreateDirectory(state, Private);
        var dhcp = Path.GetFullPath(options.DhcpRunDir);
        var traversable = new HashSet<string>(StringComparer.Ordinal);
        if (dhcp.StartsWith(state + "/", StringComparison.Ordinal))
            for (var d = Path.GetDirectoryName(dhcp); d is not null && d.Length >= state.Length; d = Path.GetDirectoryName(d))
                traversable.Add(d);
        foreach (var d in traversable.Order(StringComparer.Ordinal))
        {
            Directory.CreateDirectory(d, Traversable);
            File.SetUnixFileMode(d, Traversable);
        }
        if (!traversable.Contains(state)) File.SetUnixFileMode(state, Private);
        Tighten(new DirectoryInfo(state), traversable, dhcp);
    }

    /// <summary>Removes group and other bits below <paramref name="dir"/>, except on the dhcp path.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void Tighten(DirectoryInfo dir, HashSet<string> keep, string dhcp)
    {
        foreach (var entry in dir.EnumerateFileSystemInfos())
        {
            if (entry.FullName == dhcp || entry.LinkTarget is not null) continue;
            if (!keep.Contains(entry.FullName) && (entry.UnixFileMode & GroupOther) != 0)
                entry.UnixFileMode &= ~GroupOther;
            if (entry is DirectoryInfo sub) Tighten(sub, keep, dhcp);
        }
    }
}
