using System.Globalization;
using System.Text;

namespace OcciAgent.Store;

/// <summary>Exclusive ownership of a state directory through <c>&lt;stateDir&gt;/occi.lock</c>, held
/// for the life of the agent. The kernel drops the lock when the process dies, so a crash never
/// leaves a stale lock; the file itself is left in place (deleting a lock file races with the
/// next owner opening it).</summary>
public sealed class StateDirLock : IDisposable
{
    public const string LockFileName = "occi.lock";

    private readonly FileStream _file;

    private StateDirLock(string stateDir, string lockFile, FileStream file)
    {
        StateDir = stateDir;
        LockFile = lockFile;
        _file = file;
    }

    public string StateDir { get; }
    public string LockFile { get; }

    /// <summary>Creates the directory if needed and takes the lock, or throws
    /// <see cref="StateDirLockedException"/> naming the owner's pid.</summary>
    public static StateDirLock Acquire(string stateDir)
    {
        stateDir = Path.GetFullPath(stateDir);
        Directory.CreateDirectory(stateDir);
        var lockFile = Path.Combine(stateDir, LockFileName);

        FileStream file;
        try
        {
            // On Linux .NET turns FileShare.None into flock(LOCK_EX|LOCK_NB) on this descriptor.
            file = new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (IsSharingViolation(e))
        {
            throw new StateDirLockedException(stateDir, lockFile, ReadOwnerPid(lockFile), e);
        }

        try
        {
            // .NET skips its flock when DOTNET_SYSTEM_IO_DISABLEFILELOCKING is set; take it ourselves
            // too. On the descriptor that already holds LOCK_EX this is a no-op.
            if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
            {
                if (LibC.Flock(file.SafeFileHandle.DangerousGetHandle(), LibC.LOCK_EX | LibC.LOCK_NB) != 0)
                    throw new StateDirLockedException(stateDir, lockFile, ReadOwnerPid(lockFile));
            }

            var pid = Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
            file.SetLength(0);
            file.Write(pid);
            file.Flush(flushToDisk: true);
            return new StateDirLock(stateDir, lockFile, file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    // On Linux .NET reports flock's EWOULDBLOCK as an IOException with HResult = errno 11
    // (measured; see StateDirLockTests); Windows uses ERROR_SHARING_VIOLATION (32).
    private static bool IsSharingViolation(IOException e) =>
        e.HResult == 11 || (e.HResult & 0xFFFF) == 32;

    /// <summary>The pid the owner wrote into the lock file, read without taking the lock; null when it names none.</summary>
    internal static int? ReadOwnerPid(string lockFile)
    {
        var bytes = OperatingSystem.IsWindows() ? null : LibC.ReadWithoutLock(lockFile, 32);
        return bytes is not null
            && int.TryParse(Encoding.ASCII.GetString(bytes).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            ? pid
            : null;
    }

    /// <summary>Closing the descriptor releases the flock.</summary>
    public void Dispose() => _file.Dispose();
}
