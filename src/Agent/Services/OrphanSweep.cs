using Microsoft.Extensions.Logging;

namespace OcciAgent.Services;

/// <summary>Removes, at start, files and directories the agent makes under names of its own
/// (an entity id, or a hidden <c>.partial</c> temporary) that no stored entity names: what a
/// kill between the host effect and the store left behind. Anything not named by that pattern
/// (a user's file) is never touched.</summary>
public static class OrphanSweep
{
    /// <summary><c>&lt;dir&gt;/&lt;id&gt;&lt;suffix&gt;</c> files whose id is a valid entity id not in
    /// <paramref name="keep"/>.</summary>
    public static void Files(string dir, string suffix, IReadOnlySet<string> keep, string what, ILogger log)
    {
        if (!Directory.Exists(dir)) return;
        foreach (var path in Directory.EnumerateFiles(dir, "*" + suffix))
        {
            var name = Path.GetFileName(path);
            var id = name[..^suffix.Length];
            if (!EntityService.IsValidId(id) || keep.Contains(id)) continue;
            Remove(path, what, log, () => File.Delete(path));
        }
    }

    /// <summary>Hidden temporaries <c>&lt;dir&gt;/.NAME.partial</c>: written first and renamed when
    /// complete, so one that still exists at start belongs to a copy that never finished.</summary>
    public static void Partials(string dir, ILogger log)
    {
        if (!Directory.Exists(dir)) return;
        foreach (var path in Directory.EnumerateFiles(dir, ".*.partial"))
            Remove(path, "unfinished copy", log, () => File.Delete(path));
    }

    public static void Remove(string path, string what, ILogger log, Action remove)
    {
        try
        {
            remove();
            Log.OrphanRemoved(log, what, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.OrphanFailed(log, what, path, e.Message);
        }
    }
}
