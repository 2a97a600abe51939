namespace OcciAgent.Check;

public enum Severity { Ok, Warn, Fail }

/// <summary>One line of <c>occi-agent check</c>: <c>ok</c>/<c>warn</c>/<c>FAIL</c>, what was
/// checked, and what was found (with the fix when something is missing).</summary>
public sealed record Finding(Severity Severity, string What, string Detail)
{
    public static Finding Ok(string what, string detail) => new(Severity.Ok, what, detail);
    public static Finding Warn(string what, string detail) => new(Severity.Warn, what, detail);
    public static Finding Fail(string what, string detail) => new(Severity.Fail, what, detail);

    public override string ToString() =>
        $"{Severity switch { Severity.Ok => "ok", Severity.Warn => "warn", _ => "FAIL" },-4} {What}: {Detail}";
}
