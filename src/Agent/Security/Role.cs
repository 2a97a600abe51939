namespace OcciAgent.Security;

/// <summary>What a caller may do; each role includes the ones below it (see AccessPolicy).</summary>
public enum Role
{
    /// <summary>GET and HEAD of everything, including a console's log.</summary>
    Reader = 1,
    /// <summary>Create, update, delete entities and trigger actions.</summary>
    Operator = 2,
    /// <summary>Everything: console input, user mixins (the query interface), images, tokens.</summary>
    Admin = 3,
}

/// <summary>Who sent a request: a token's name, <c>uid:N</c> for a unix socket peer trusted by
/// its credentials, or <c>anonymous</c> with <c>auth: "none"</c>.</summary>
public sealed record Caller(string Name, Role Role);

public static class Roles
{
    public static string Name(Role role) => role switch
    {
        Role.Reader => "reader",
        Role.Operator => "operator",
        Role.Admin => "admin",
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };

    public static Role? Parse(string? name) => name switch
    {
        "reader" => Role.Reader,
        "operator" => Role.Operator,
        "admin" => Role.Admin,
        _ => null,
    };
}
