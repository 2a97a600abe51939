namespace OcciAgent;

/// <summary>What went wrong, independent of HTTP. src/Agent/Http/ErrorMapping.cs is the only place that turns
/// it into a status code (GFD.223 §5.4; docs/conformance.md).</summary>
public enum AgentError
{
    Invalid,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    NotAcceptable,
    Conflict,
    TooLarge,
    UnsupportedMediaType,
    NotImplemented,
    Unavailable,
}

/// <summary>A request the agent understood and refuses, with a message for the client that says
/// what was wrong and on which object.</summary>
public sealed class AgentException(AgentError error, string message) : Exception(message)
{
    public AgentError Error { get; } = error;
    /// <summary>For 405: the methods the path supports.</summary>
    public string? Allow { get; init; }

    public static AgentException Invalid(string message) => new(AgentError.Invalid, message);
    public static AgentException NotFound(string message) => new(AgentError.NotFound, message);
    public static AgentException Conflict(string message) => new(AgentError.Conflict, message);
}
