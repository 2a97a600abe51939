using System.Text.Json;
using System.Text.Json.Serialization;

namespace OcciAgent.Security;

/// <summary>One stored token: its name, role and a salted hash of its secret (ApiToken).</summary>
public sealed class TokenRecord
{
    public required string Name { get; set; }
    public required string Id { get; set; }
    public required string Role { get; set; }
    public DateTimeOffset Created { get; set; }
    public required byte[] Salt { get; set; }
    public required byte[] Hash { get; set; }
}

public sealed class TokenList
{
    public List<TokenRecord> Tokens { get; set; } = [];
}

/// <summary>When each token id was last used; written by the agent only (TokenRegistry), so it
/// never races the CLI's writes of tokens.json.</summary>
public sealed class TokenUse
{
    public Dictionary<string, DateTimeOffset> LastUse { get; set; } = [];
}

/// <summary>The token files in the state dir. tokens.json is the agent's own file (LiteDB locks
/// occi.db exclusively, so the CLI could not change tokens there while the agent runs). Writers
/// (the CLI, and the agent on its first start) hold tokens.lock and replace the file by
/// temp + rename, so a reader sees the old or the new list, never half of one.</summary>
public sealed class TokenFile(string stateDir)
{
    public string Path { get; } = System.IO.Path.Combine(stateDir, "tokens.json");
    public string UsePath { get; } = System.IO.Path.Combine(stateDir, "tokens-used.json");
    public string LockPath { get; } = System.IO.Path.Combine(stateDir, "tokens.lock");
    public string AdminTokenPath { get; } = System.IO.Path.Combine(stateDir, "admin.token");

    internal const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public bool Exists => File.Exists(Path);

    /// <summary>The stored tokens; an absent file is an empty list.</summary>
    public TokenList Read()
    {
        try
        {
            using var s = File.OpenRead(Path);
            return JsonSerializer.Deserialize(s, TokenJsonContext.Default.TokenList) ?? new TokenList();
        }
        catch (FileNotFoundException) { return new TokenList(); }
        catch (JsonException e) { throw new InvalidDataException($"{Path} is not a valid token list: {e.Message}", e); }
    }

    public TokenUse ReadUse()
    {
        try
        {
            using var s = File.OpenRead(UsePath);
            return JsonSerializer.Deserialize(s, TokenJsonContext.Default.TokenUse) ?? new TokenUse();
        }
        catch (Exception e) when (e is FileNotFoundException or JsonException) { return new TokenUse(); }
    }

    public void Write(TokenList list) =>
        WriteAtomically(Path, JsonSerializer.SerializeToUtf8Bytes(list, TokenJsonContext.Default.TokenList));

    public void WriteUse(TokenUse use) =>
        WriteAtomically(UsePath, JsonSerializer.SerializeToUtf8Bytes(use, TokenJsonContext.Default.TokenUse));

    /// <summary>Runs a read-modify-write of tokens.json under tokens.lock (exclusive: .NET opens
    /// with FileShare.None take flock LOCK_EX), waiting up to 5 s for another writer.</summary>
    public T Update<T>(Func<TokenList, T> change)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            FileStream guard;
            try
            {
                guard = new FileStream(LockPath, PrivateFile(FileMode.OpenOrCreate, FileAccess.ReadWrite));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20);
                continue;
            }
            using (guard)
            {
                var list = Read();
                var result = change(list);
                Write(list);
                return result;
            }
        }
    }

    private static FileStreamOptions PrivateFile(FileMode mode, FileAccess access)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = Private;
        return options;
    }

    /// <summary>Writes a private (0600) file: a new temp file, flushed to disk, renamed over the old one.</summary>
    internal static void WriteAtomically(string path, ReadOnlySpan<byte> content)
    {
        var temp = $"{path}.{Environment.ProcessId}.tmp";
        File.Delete(temp); // a leftover would keep its old mode
        using (var s = new FileStream(temp, PrivateFile(FileMode.Create, FileAccess.Write)))
        {
            s.Write(content);
            s.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }
}

/// <summary>Source-generated (native AOT: no reflection serializer).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(TokenList))]
[JsonSerializable(typeof(TokenUse))]
internal sealed partial class TokenJsonContext : JsonSerializerContext;
