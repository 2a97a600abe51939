namespace OcciAgent.Tests.Kit;

/// <summary>A fresh private directory per test under the system temp dir, removed on Dispose even
/// when the test failed. The one temp-dir helper of these tests.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir(string prefix = "occi-test-") => Path = Directory.CreateTempSubdirectory(prefix).FullName;

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }
}
