using System.Text;

namespace OcciAgent.Tests.Fuzz;

/// <summary>One generated request, printable so a failure can be replayed by hand.</summary>
public sealed record FuzzRequest(string Method, string Path, string? ContentType, string? Body, List<(string Name, string Value)> Headers)
{
    public bool IsReadOnly => Method is "GET" or "HEAD";

    public override string ToString()
    {
        var sb = new StringBuilder().Append(Method).Append(' ').Append(Escape(Path)).Append('\n');
        if (ContentType is not null) sb.Append("Content-Type: ").Append(Escape(ContentType)).Append('\n');
        foreach (var (n, v) in Headers) sb.Append(Escape(n)).Append(": ").Append(Escape(v.Length > 300 ? v[..300] + "…" : v)).Append('\n');
        if (Body is not null) sb.Append('\n').Append(Escape(Body.Length > 600 ? Body[..600] + $"… ({Body.Length} chars)" : Body));
        return sb.ToString();
    }

    private static string Escape(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
            if (c is '\n') sb.Append("\\n\n");
            else if (char.IsControl(c)) sb.Append($"\\u{(int)c:x4}");
            else sb.Append(c);
        return sb.ToString();
    }
}
