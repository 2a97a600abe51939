using OcciAgent.Tests.Kit;
using System.Diagnostics;
using OcciAgent.Store;

namespace OcciAgent.Tests.Store;

[Trait("Category", "Integration")]
public sealed class StateDirLockTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Runs util-linux <c>flock -n FILE true</c> in a real second process: exit 0 when
    /// it could take LOCK_EX, 1 when someone holds the lock.</summary>
    private static int FlockFromOtherProcess(string file)
    {
        using var p = Process.Start(new ProcessStartInfo("flock", ["-n", file, "true"])
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        Assert.True(p.WaitForExit(10_000), "flock did not finish");
        return p.ExitCode;
    }

    [Fact]
    public void Acquire_FreeDir_WritesPidAndCreatesDirectory()
    {
        var stateDir = Path.Combine(_dir.Path, "state");

        using var held = StateDirLock.Acquire(stateDir);

        Assert.Equal(Path.Combine(stateDir, "occi.lock"), held.LockFile);
        held.Dispose();
        Assert.Equal(Environment.ProcessId.ToString(), File.ReadAllText(held.LockFile).Trim());
    }

    [Fact]
    public void Acquire_AlreadyHeldInProcess_ThrowsNamingPidAndLockFile()
    {
        using var first = StateDirLock.Acquire(_dir.Path);

        var e = Assert.Throws<StateDirLockedException>(() => StateDirLock.Acquire(_dir.Path));

        var lockFile = _dir.File("occi.lock");
        Assert.Equal(
            $"state directory '{_dir.Path}' is in use by another occi-agent (pid {Environment.ProcessId}, lock file {lockFile})",
            e.Message);
        Assert.Equal(Environment.ProcessId, e.OwnerPid);
        Assert.Equal(lockFile, e.LockFile);
    }

    [Fact]
    public void Acquire_AfterDispose_Succeeds()
    {
        StateDirLock.Acquire(_dir.Path).Dispose();

        using var again = StateDirLock.Acquire(_dir.Path);

        Assert.True(File.Exists(again.LockFile));
    }

    [Fact]
    public void Acquire_Held_OtherProcessFlockFailsUntilDispose()
    {
        var held = StateDirLock.Acquire(_dir.Path);
        try
        {
            Assert.Equal(1, FlockFromOtherProcess(held.LockFile));
        }
        finally
        {
            held.Dispose();
        }

        Assert.Equal(0, FlockFromOtherProcess(held.LockFile));
    }

    [Fact]
    public void Acquire_OtherProcessHoldsFlock_ThrowsWithUnknownPid()
    {
        // A foreign holder that wrote nothing: `flock FILE sleep` keeps LOCK_EX while sleeping.
        // Blocking mode (no -n), so our own probing below cannot make it give up.
        var lockFile = _dir.File("occi.lock");
        using var holder = Process.Start(new ProcessStartInfo("flock", [lockFile, "sleep", "30"]) { UseShellExecute = false })!;
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (FlockFromOtherProcess(lockFile) == 0 && DateTime.UtcNow < deadline)
                Thread.Sleep(20);

            var e = Assert.Throws<StateDirLockedException>(() => StateDirLock.Acquire(_dir.Path));

            Assert.Null(e.OwnerPid);
            Assert.Contains("pid unknown", e.Message);
        }
        finally
        {
            holder.Kill();
            holder.WaitForExit();
        }
    }

    /// <summary>Pins the runtime behaviour the lock relies on: on Linux a .NET FileStream opened
    /// with FileShare.None takes flock(LOCK_EX), visible to other processes.</summary>
    [Fact]
    public void FileShareNone_OnLinux_TakesFlockExclusive()
    {
        var file = _dir.File("probe");
        using (var fs = new FileStream(file, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            Assert.Equal(1, FlockFromOtherProcess(file));
            // Even a .NET reader in this process is refused: it takes LOCK_SH.
            // .NET reports it as an IOException whose HResult is the raw errno EWOULDBLOCK (11).
            var e = Assert.Throws<IOException>(() => File.ReadAllText(file));
            Assert.Equal(11, e.HResult);
        }
        Assert.Equal(0, FlockFromOtherProcess(file));
    }
}
