using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OcciAgent.Occi.Rendering;
using OcciAgent.Services;

namespace OcciAgent.Http;

/// <summary>Serves the whole OCCI URL space (GFD.223 §4): query interface, root, kind and mixin
/// collections (including user mixin locations chosen at run time), entities. One catch-all
/// handler instead of route templates, because collection paths are data, not code.</summary>
public sealed partial class OcciHandler(EntityService service, MediaTypes media, AgentInfo info, ILogger<OcciHandler> log)
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
        var request = http.Request;
        var legacy = IsLegacyClient(request);
        // GFD.223 §5.2: every response names the OCCI version; S51: and lists what we render.
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
        catch (Exception e) when (!http.Response.HasStarted)
        {
            var mapped = ErrorMapping.Map(e);
            // QEMU's own failures are mapped (their words reach the client) and also logged.
            if (mapped is null || e is Hypervisor.Vm.VmException { Kind: Hypervisor.Vm.VmErrorKind.Failed })
                Log.RequestFailed(log, e, request.Method, request.Path.Value ?? "/");
            var (status, message) = mapped ?? (500, $"internal error: {e.Message}");
            var allow = (e as AgentException)?.Allow;
            if (allow is not null) http.Response.Headers.Allow = allow;
            await WriteAsync(http, status, renderer.Error(status, message));
        }
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
            response.Headers[group.Key] = group.Select(h => h.Value).ToArray();
        // Exactly the media type, without a charset parameter: the OCCI-WG 1.1 test compares it
        // with what it asked for (digest §6.3 item 14). Bodies are UTF-8.
        response.ContentType = output.ContentType;
        var bytes = Encoding.UTF8.GetBytes(output.Body);
        response.ContentLength = bytes.Length;
        if (!HttpMethods.IsHead(http.Request.Method)) await response.Body.WriteAsync(bytes, http.RequestAborted);
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
            var major = int.Parse(m.Groups[1].Value);
            var minor = int.Parse(m.Groups[2].Value);
            if (major > 1 || major == 1 && minor > 2)
            {
                version = $"{major}.{minor}";
                return true;
            }
        }
        return false;
    }

    [GeneratedRegex(@"OCCI/(\d{1,4})\.(\d{1,4})")]
    private static partial Regex OcciVersion();
}
