using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OcciAgent.Security;

/// <summary>Runs before every handler: browser guards, then authentication (a token as Bearer or
/// as the Basic password, or a trusted unix socket peer), then the role AccessPolicy requires.
/// Nothing in a refused request reaches a handler. Every mutating request leaves an audit record
/// (who, method, path, status), refused ones included.</summary>
public sealed class AccessGate(BrowserGuard guard, TokenRegistry? tokens, string socketGroup, ILogger<AccessGate> log)
{
    private const string Realm = "occi-agent";
    private static readonly string[] Challenges = [$"Bearer realm=\"{Realm}\"", $"Basic realm=\"{Realm}\""];
    private static readonly Caller Anonymous = new("anonymous", Role.Admin);

    /// <summary>The caller of an admitted request (HttpContext.Items key).</summary>
    public static readonly object CallerKey = new();

    public async Task InvokeAsync(HttpContext http, Func<Task> next)
    {
        var unix = http.Features.Get<IConnectionSocketFeature>()?.Socket is { AddressFamily: AddressFamily.Unix };
        Caller? caller = null;
        try
        {
            if (guard.HostProblem(http, unix) is { } hostProblem)
            {
                await RefuseAsync(http, StatusCodes.Status421MisdirectedRequest, hostProblem);
                return;
            }
            if (guard.OriginProblem(http) is { } originProblem)
            {
                await RefuseAsync(http, StatusCodes.Status403Forbidden, originProblem);
                return;
            }
            if (guard.TryAnswerPreflight(http)) return;
            guard.AddCorsHeaders(http);
            (caller, var why) = Authenticate(http, unix);
            if (caller is null)
            {
                http.Response.Headers.WWWAuthenticate = Challenges;
                await RefuseAsync(http, StatusCodes.Status401Unauthorized, why);
                return;
            }
            var needed = AccessPolicy.RequiredRole(http.Request.Method, http.Request.Path.Value ?? "/", http.Request.Query);
            if (caller.Role < needed)
            {
                await RefuseAsync(http, StatusCodes.Status403Forbidden,
                    $"{caller.Name} has the role {Roles.Name(caller.Role)}; {http.Request.Method} {http.Request.Path} needs {Roles.Name(needed)}");
                return;
            }
            http.Items[CallerKey] = caller;
            await next();
        }
        finally
        {
            if (AccessPolicy.IsMutating(http.Request.Method))
                Log.Audit(log, caller?.Name ?? "-", Printable(http.Request.Method), Printable(http.Request.Path.Value ?? "/"), http.Response.StatusCode);
        }
    }

    private (Caller?, string) Authenticate(HttpContext http, bool unix)
    {
        if (tokens is null) return (Anonymous, "");
        var authorization = http.Request.Headers.Authorization.ToString();
        if (authorization.Length > 0)
        {
            if (PresentedToken(authorization) is not { } token)
                return (null, "the Authorization header must be 'Bearer TOKEN' or Basic with the token as the password");
            return tokens.Verify(token) is { } byToken ? (byToken, "")
                : (null, "the token is not valid (unknown, revoked or mistyped)");
        }
        if (unix && http.Features.Get<IConnectionSocketFeature>()?.Socket is { } socket)
        {
            var peer = PeerCredentials.Of(socket);
            if (PeerCredentials.IsTrusted(socket, peer, socketGroup)) return (new Caller($"uid:{peer.Uid}", Role.Admin), "");
            return (null, $"socket peer uid {peer.Uid} is neither root nor in the group '{socketGroup}': send a token "
                + "(Authorization: Bearer TOKEN)");
        }
        return (null, "authentication required: send Authorization: Bearer TOKEN, or HTTP Basic with the token as the password "
            + "(the first token is in admin.token in the state dir; occi-agent token create NAME makes more)");
    }

    /// <summary>The token from <c>Bearer TOKEN</c>, or the password of <c>Basic base64(user:TOKEN)</c>
    /// (any user name: OCCI 1.1 clients only speak Basic).</summary>
    internal static string? PresentedToken(string authorization)
    {
        var space = authorization.IndexOf(' ');
        if (space < 0) return null;
        var scheme = authorization[..space];
        var value = authorization[(space + 1)..].Trim();
        if (scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase)) return value.Length > 0 ? value : null;
        if (!scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase)) return null;
        Span<byte> decoded = stackalloc byte[256];
        if (value.Length > 340 || !Convert.TryFromBase64String(value, decoded, out var n)) return null;
        var pair = Encoding.UTF8.GetString(decoded[..n]);
        var colon = pair.IndexOf(':');
        return colon < 0 ? null : pair[(colon + 1)..];
    }

    /// <summary>Paths arrive percent-decoded: a %0A must not start a forged line in the log
    /// (refused requests are audited too, so anyone could send one).</summary>
    internal static string Printable(string s)
    {
        if (!s.Any(char.IsControl)) return s;
        var b = new StringBuilder(s.Length + 8);
        foreach (var ch in s) b.Append(char.IsControl(ch) ? $"\\x{(int)ch:x2}" : ch);
        return b.ToString();
    }

    private static async Task RefuseAsync(HttpContext http, int status, string message)
    {
        var body = Encoding.UTF8.GetBytes(message + "\n");
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/plain; charset=utf-8";
        http.Response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(http.Request.Method)) await http.Response.Body.WriteAsync(body, http.RequestAborted);
    }
}
