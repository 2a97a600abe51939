using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OcciAgent.Config;
using OcciAgent.Occi.Rendering;
using OcciAgent.Services;

namespace OcciAgent.Http;

/// <summary>Serves the whole OCCI URL space (GFD.223 §4): query interface, root, kind and mixin
/// collections (including user mixin locations chosen at run time), entities. One catch-all
/// handler instead of route templates, because collection paths are data, not code.</summary>
public sealed partial class OcciHandler(EntityService service, MediaTypes media, AgentInfo info, RequestLimits limits, MemoryTrim trim, ILogger<OcciHandler> log)
{
    internal static readonly string[] QueryPaths = ["/-/", "/-", "/.well-known/org/ogf/occi/-/", "/.well-known/org/ogf/occi/-"];

    /// <summary>Per-request state: the chosen renderer and the base URL for absolute locations.</summary>
    private sealed record Call(HttpContext Http, IOcciRenderer Renderer, string BaseUrl, string Path, Dictionary<string, string> Query)
    {
        public HttpRequest Request => Http.Request;
        public CancellationToken Ct => Http.RequestAborted;
        public string Method => Http.Request.Method;
    }

    public async Task HandleAsync(HttpContext http)
    {
        trim.Enter();
        try { await HandleCoreAsync(http); }
        finally
        {
            // text/occi renderings travel in headers: large ones count like large bodies.
            var headerChars = 0L;
            foreach (var h in http.Request.Headers) headerChars += h.Key.Length + h.Value.ToString().Length;
            if (headerChars > 64 * 1024) trim.Note(headerChars * 2);
            trim.Exit();
        }
    }

    private async Task HandleCoreAsync(HttpContext http)
    {
        var request = http.Request;
        var legacy = IsLegacyClient(request);
        // GFD.223 §5.2: every response names the OCCI version and lists what we render.
        http.Response.Headers["Server"] = info.ServerHeader;
        http.Response.Headers["Accept"] = legacy ? MediaTypes.LegacyAccept : MediaTypes.AllAccept;
        var negotiated = media.Negotiate(request.Headers.Accept.ToString());
        var renderer = negotiated ?? media.Default; // errors about Accept itself go out as text/plain
        try
        {
            if (ClientVersionTooHigh(request, out var version))
                throw new AgentException(AgentError.NotImplemented, $"this server implements OCCI/1.2; the client asks for OCCI/{version}");
            if (negotiated is null)
                throw new AgentException(AgentError.NotAcceptable,
                    $"none of the media types in Accept '{request.Headers.Accept}' can be produced; supported: {MediaTypes.AllAccept}");
            var path = request.Path.Value is { Length: > 0 } p ? p : "/";
            var call = new Call(http, renderer, $"{request.Scheme}://{request.Host.Value}", path, Paging.Query(request));
            await DispatchAsync(call);
        }
        catch (Exception e) when (IsAbort(http, e))
        {
            // The client went away (cancelled, or its upload broke off): nothing to answer, and
            // nothing wrong with the agent, so one low-level line instead of an error.
            Log.RequestAborted(log, request.Method, request.Path.Value ?? "/", e.GetType().Name);
            if (!http.Response.HasStarted) http.Abort();
        }
        catch (Exception e) when (!http.Response.HasStarted)
        {
            var mapped = ErrorMapping.Map(e);
            // QEMU's own failures are mapped (their words reach the client) and also logged.
            if (mapped is null || e is Hypervisor.Vm.VmException { Kind: Hypervisor.Vm.VmErrorKind.Failed })
                Log.RequestFailed(log, e, request.Method, request.Path.Value ?? "/");
            // An unexpected failure's own words may name host paths: they go to the log only.
            var (status, message) = mapped ?? (500, $"internal error ({e.GetType().Name}); the agent's log has the details");
            var allow = (e as AgentException)?.Allow;
            if (allow is not null) http.Response.Headers.Allow = allow;
            await WriteAsync(http, status, renderer.Error(status, message));
        }
    }

    private static bool IsAbort(HttpContext http, Exception e) =>
        http.RequestAborted.IsCancellationRequested && e is OperationCanceledException or IOException or BadHttpRequestException
        || e is BadHttpRequestException { StatusCode: 400 } && e.Message.Contains("Unexpected end of request content", StringComparison.Ordinal)
        || e is Microsoft.AspNetCore.Connections.ConnectionResetException;

    private Task<OcciDocument> ReadAsync(Call call) => RequestReader.ReadAsync(call.Request, media, limits.MaxRequestBytes, call.Ct, trim);

    /// <summary>Only the query parameters this method and path define (GFD.223 §6 page/number, §7
    /// category filter, §10.3.2 action); anything else is a typo the request must not act on.</summary>
    private static void AcceptQuery(Call call, params string[] names)
    {
        foreach (var key in call.Query.Keys)
            if (!names.Contains(key))
                throw AgentException.Invalid(names.Length == 0
                    ? $"{call.Method} on {call.Path} takes no query parameters; '{key}' is not one"
                    : $"unknown query parameter '{key}' for {call.Method} on {call.Path}; accepted: {string.Join(", ", names)}");
    }

    /// <summary>Whether the negotiated rendering can express the answer, decided before any
    /// effect (text/uri-list only lists, GFD.229 §8: 400).</summary>
    private static void Renderable(Call call, params ResponseShape[] shapes)
    {
        foreach (var shape in shapes)
            if (call.Renderer.Refusal(shape) is { } why) throw new OcciRenderException(why);
    }

    private Task DispatchAsync(Call call)
    {
        if (QueryPaths.Contains(call.Path)) return QueryInterfaceAsync(call);
        if (call.Path == "/") return RootAsync(call);
        if (call.Path.EndsWith('/')) return CollectionAsync(call);
        return EntityAsync(call);
    }

    private static AgentException NotAllowed(string method, string path, string allow) =>
        new(AgentError.MethodNotAllowed, $"{method} is not defined on {path}; allowed: {allow}") { Allow = allow };

    private static async Task WriteAsync(HttpContext http, int status, OcciOutput output, string? location = null)
    {
        var response = http.Response;
        response.StatusCode = status;
        if (location is not null) response.Headers.Location = location;
        foreach (var group in output.Headers.GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase))
            response.Headers[group.Key] = group.Select(h => HeaderSafe(h.Value)).ToArray();
        // Exactly the media type, without a charset parameter: the OCCI-WG 1.1 test compares it
        // with what it asked for (docs/conformance.md, OCCI 1.1 clients). Bodies are UTF-8.
        response.ContentType = output.ContentType;
        var bytes = Encoding.UTF8.GetBytes(output.Body);
        response.ContentLength = bytes.Length;
        if (!HttpMethods.IsHead(http.Request.Method)) await response.Body.WriteAsync(bytes, http.RequestAborted);
    }

    /// <summary>A header value cannot hold control characters (RFC 9110 §5.5); a value that
    /// echoes one from a request or from stored data gets it percent-encoded instead.</summary>
    internal static string HeaderSafe(string value)
    {
        if (!value.Any(char.IsControl)) return value;
        var sb = new StringBuilder(value.Length + 8);
        foreach (var c in value)
            if (char.IsControl(c)) sb.Append('%').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            else sb.Append(c);
        return sb.ToString();
    }

    private static bool IsLegacyClient(HttpRequest request)
    {
        var ua = request.Headers.UserAgent.ToString();
        return ua.Contains("OCCI/1.1", StringComparison.Ordinal) || ua.Contains("rOCCI-api/4", StringComparison.Ordinal);
    }

    /// <summary>GFD.223 §5.3: a User-Agent naming a higher OCCI version than 1.2 gets 501.</summary>
    private static bool ClientVersionTooHigh(HttpRequest request, out string version)
    {
        version = "";
        foreach (Match m in OcciVersion().Matches(request.Headers.UserAgent.ToString()))
        {
            var major = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            var minor = int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
            if (major > 1 || major == 1 && minor > 2)
            {
                version = $"{major}.{minor}";
                return true;
            }
        }
        return false;
    }

    // ASCII digits only: \d would also match other scripts' digits, which int.Parse refuses.
    [GeneratedRegex(@"OCCI/([0-9]{1,4})\.([0-9]{1,4})")]
    private static partial Regex OcciVersion();
}
