using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace OcciAgent.Security;

/// <summary>The agent's live view of tokens.json: re-read when the file changes (checked at most
/// every 250 ms, on the request path: a stat), so `occi-agent token revoke` takes effect within
/// a second without a restart. Last use is kept in memory and written to tokens-used.json every
/// few seconds by the agent alone.</summary>
public sealed class TokenRegistry : IDisposable
{
    private static readonly long CheckEvery = Stopwatch.Frequency / 4;
    private readonly TokenFile _file;
    private readonly ILogger _log;
    private readonly object _reload = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _used = new();
    private readonly Timer _flush;
    private volatile Dictionary<string, (TokenRecord Record, Role Role)> _byId = [];
    private (DateTime Mtime, long Size) _seen = (DateTime.MinValue, -1);
    private long _nextCheck;
    private volatile bool _dirty;

    public TokenRegistry(TokenFile file, ILogger log)
    {
        _file = file;
        _log = log;
        foreach (var (id, at) in file.ReadUse().LastUse) _used[id] = at;
        Reload();
        _flush = new Timer(_ => FlushUse(), null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
    }

    /// <summary>The caller a presented token stands for, or null when no stored token matches.</summary>
    public Caller? Verify(string token)
    {
        if (!ApiToken.TryParse(token, out var id, out var secret)) return null;
        RefreshIfChanged(force: false);
        // An unknown id may be a token created a moment ago: look at the file now (a stat), so
        // `token create` works at once; revocations are seen by the periodic check.
        if (!_byId.ContainsKey(id)) RefreshIfChanged(force: true);
        if (!_byId.TryGetValue(id, out var entry) || !ApiToken.Matches(entry.Record.Salt, entry.Record.Hash, secret)) return null;
        _used[id] = DateTimeOffset.UtcNow;
        _dirty = true;
        return new Caller(entry.Record.Name, entry.Role);
    }

    private void RefreshIfChanged(bool force)
    {
        var now = Stopwatch.GetTimestamp();
        if (!force && now < Interlocked.Read(ref _nextCheck)) return;
        Interlocked.Exchange(ref _nextCheck, now + CheckEvery);
        lock (_reload)
        {
            var info = new FileInfo(_file.Path);
            var seen = info.Exists ? (info.LastWriteTimeUtc, info.Length) : (DateTime.MinValue, -1L);
            if (seen != _seen) Reload();
        }
    }

    private void Reload()
    {
        lock (_reload)
        {
            var info = new FileInfo(_file.Path);
            _seen = info.Exists ? (info.LastWriteTimeUtc, info.Length) : (DateTime.MinValue, -1L);
            try
            {
                var next = new Dictionary<string, (TokenRecord, Role)>(StringComparer.Ordinal);
                foreach (var t in _file.Read().Tokens)
                    if (Roles.Parse(t.Role) is { } role) next[t.Id] = (t, role);
                    else Log.TokenRoleUnknown(_log, t.Name, t.Role);
                _byId = next;
                Log.TokensLoaded(_log, next.Count, _file.Path);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                // Keeping the old list would keep a revoked token working: refuse every token instead.
                _byId = [];
                Log.TokensUnreadable(_log, _file.Path, e.Message);
            }
        }
    }

    private void FlushUse()
    {
        if (!_dirty) return;
        _dirty = false;
        try
        {
            _file.WriteUse(new TokenUse { LastUse = new Dictionary<string, DateTimeOffset>(_used) });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.TokenUseNotSaved(_log, _file.UsePath, e.Message);
        }
    }

    public void Dispose()
    {
        _flush.Dispose();
        FlushUse();
    }
}
