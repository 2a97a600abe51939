namespace OcciAgent.Net.Tests.Dhcp;

/// <summary>A run directory under /tmp, mode 0755 like the agent's (dnsmasq re-reads its hosts
/// file as an unprivileged user), deleted with everything in it.</summary>
public sealed class TempRunDir : IDisposable
{
    public TempRunDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"occi-dhcp-{Guid.NewGuid():N}"[..22]);
        Directory.CreateDirectory(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }

    public string Path { get; }

    public IEnumerable<string> Files => Directory.EnumerateFiles(Path).Select(System.IO.Path.GetFileName)!;

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}
