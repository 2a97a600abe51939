using System.Diagnostics;

namespace OcciAgent.Hypervisor.Tests.Volumes;

/// <summary>A fresh directory per test, removed in <see cref="Dispose"/> (xunit disposes the test class
/// instance also when the test fails).</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory() =>
        Path = Directory.CreateTempSubdirectory("occi-volumes-").FullName;

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (Directory.Exists(Path))
            Directory.Delete(Path, recursive: true);
    }
}

/// <summary>Runs the real qemu-img directly, independent of the code under test, to check its results.</summary>
internal static class QemuImgProbe
{
    public static string Run(params string[] args)
    {
        var start = new ProcessStartInfo("qemu-img") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"qemu-img {string.Join(' ', args)} failed: {stderr}");
        return stdout.Result;
    }
}
