using OcciAgent.Config;
using OcciAgent.Store;

namespace OcciAgent.Check;

/// <summary>The state dir: can the agent write there (the one host change of the whole check:
/// a scratch file, removed at once), is it owned by a running agent (read from /proc/locks,
/// never by taking the lock), and is there room.</summary>
internal static class StateDirChecks
{
    private const long LowSpace = 1L << 30;

    public static IReadOnlyList<Finding> Run(AgentOptions o)
    {
        var dir = Path.GetFullPath(o.StateDir);
        if (File.Exists(dir)) return [Finding.Fail("state dir", $"{dir} is a file, not a directory")];
        if (!Directory.Exists(dir))
        {
            var parent = Path.GetDirectoryName(dir);
            while (parent is not null && !Directory.Exists(parent))
            {
                if (File.Exists(parent)) return [Finding.Fail("state dir", $"{dir} cannot be created: {parent} is a file")];
                parent = Path.GetDirectoryName(parent);
            }
            return parent is not null && Probes.CanWriteInto(parent)
                ? [Finding.Ok("state dir", $"{dir} does not exist yet; the agent will create it ({parent} is writable)")]
                : [Finding.Fail("state dir", $"{dir} does not exist and cannot be created ({parent ?? "/"} is not writable)")];
        }
        var found = new List<Finding> { Writable(dir), Lock(dir) };
        var free = new DriveInfo(dir).AvailableFreeSpace;
        found.Add(free < LowSpace
            ? Finding.Warn("state dir space", $"{Mib(free)} free: volumes and VM disks may not fit")
            : Finding.Ok("state dir space", $"{Mib(free)} free"));
        var db = Path.GetFullPath(o.DatabasePath);
        found.Add(File.Exists(db)
            ? Finding.Ok("store", $"{db} ({new FileInfo(db).Length} bytes); {Name(o.ImagesDir)}/ {Count(o.ImagesDir, "*.qcow2")}, {Name(o.VolumesDir)}/ {Count(o.VolumesDir, "*.qcow2")}, {Name(o.VmsDir)}/ {Count(o.VmsDir, null)}")
            : Finding.Ok("store", $"{db} does not exist yet (a new agent creates it)"));
        return found;
    }

    private static Finding Writable(string dir)
    {
        var scratch = Path.Combine(dir, $".occi-agent-check.{Environment.ProcessId}");
        try
        {
            using (var f = new FileStream(scratch, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
                f.Write("check\n"u8);
                f.Flush(flushToDisk: true);
            }
            return Finding.Ok("state dir", $"{dir} is writable (a scratch file was written and removed)");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Finding.Fail("state dir", $"{dir} is not writable: {e.Message}");
        }
    }

    /// <summary>The owner's pid is in occi.lock; it owns the dir while it holds an exclusive flock.</summary>
    private static Finding Lock(string dir)
    {
        var file = Path.Combine(dir, StateDirLock.LockFileName);
        if (!File.Exists(file)) return Finding.Ok("state lock", "free (no agent has used this state dir yet)");
        if (StateDirLock.ReadOwnerPid(file) is not { } pid)
            return Finding.Ok("state lock", $"free ({file} names no pid)");
        var comm = File.Exists($"/proc/{pid}/comm") ? File.ReadAllText($"/proc/{pid}/comm").Trim() : null;
        return Probes.FlockWriters().Contains(pid) && comm is not null
            ? Finding.Ok("state lock", $"held by a running agent, pid {pid} ({comm}); a second agent on this dir would refuse to start")
            : Finding.Ok("state lock", $"free (the last owner, pid {pid}, is gone)");
    }

    private static string Name(string dir) => Path.GetFileName(dir);

    private static int Count(string d, string? pattern)
    {
        if (!Directory.Exists(d)) return 0;
        return pattern is null ? Directory.GetDirectories(d).Length : Directory.GetFiles(d, pattern).Length;
    }

    private static string Mib(long bytes) => $"{bytes / (1024 * 1024)} MiB";
}
