using System.Net;
using Microsoft.AspNetCore.Http;

namespace OcciAgent.Security;

/// <summary>Keeps web pages out, whatever credentials the browser holds, before authentication:
/// a Host that is not ours means DNS rebinding (421, RFC 9110 §15.5.20); an Origin (or Fetch
/// metadata saying cross-site) that is not configured means a page elsewhere drives the
/// browser (403). A browser sends Basic credentials it cached with a cross-site
/// <c>&lt;form enctype="text/plain"&gt;</c>, so authentication alone would not stop it.
/// CORS headers are sent only to configured origins.</summary>
public sealed class BrowserGuard
{
    private static readonly string[] LoopbackNames = ["localhost", "127.0.0.1", "[::1]"];
    private const string ExposedHeaders = "Location, Category, Link, X-OCCI-Attribute, X-OCCI-Location, WWW-Authenticate";
    private const string AllowedRequestHeaders = "Authorization, Content-Type, Accept, Category, Link, X-OCCI-Attribute, X-OCCI-Location";

    private readonly HashSet<string> _listenHosts;
    private readonly HashSet<string> _allowedHosts;
    private readonly HashSet<string> _allowedOrigins;

    public BrowserGuard(IEnumerable<string> listenUrls, IEnumerable<string> allowedHosts, IEnumerable<string> allowedOrigins)
    {
        _listenHosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var url in listenUrls)
            if (Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Host is { Length: > 0 } h && h != "unix") _listenHosts.Add(h);
        // The host's own name (the generated certificate is made out to it, Tls/SelfSignedCertificate.cs):
        // a remote client of a wildcard listener uses it, and a rebinding page cannot send it, since
        // a page served under that name is the agent's own origin.
        _listenHosts.Add(Dns.GetHostName());
        _allowedHosts = new HashSet<string>(allowedHosts, StringComparer.OrdinalIgnoreCase);
        _allowedOrigins = new HashSet<string>(allowedOrigins.Select(o => o.TrimEnd('/')), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Why the Host header is refused (421), or null. Unix socket requests carry whatever
    /// Host the client made up (curl --unix-socket sends localhost): no DNS name leads there.</summary>
    public string? HostProblem(HttpContext http, bool unixSocket)
    {
        if (unixSocket) return null;
        var host = http.Request.Host;
        if (!host.HasValue) return null; // HTTP/1.0 without Host: no browser sends that
        var name = host.Host;
        var port = host.Port ?? (http.Request.IsHttps ? 443 : 80);
        if (_allowedHosts.Contains(name) || _allowedHosts.Contains($"{name}:{port}")) return null;
        var local = http.Connection.LocalIpAddress;
        var ours = LoopbackNames.Contains(name, StringComparer.OrdinalIgnoreCase) || _listenHosts.Contains(name)
            || local is not null && IPAddress.TryParse(name, out var ip) && ip.Equals(local.IsIPv4MappedToIPv6 ? local.MapToIPv4() : local);
        if (ours && port == http.Connection.LocalPort) return null;
        return $"Host '{host.Value}' is not an address this agent listens on (port {http.Connection.LocalPort}); "
            + "use a loopback name or the listen address, or add the name to allowedHosts in the config";
    }

    /// <summary>Why a browser's cross-origin request is refused (403), or null.</summary>
    public string? OriginProblem(HttpContext http)
    {
        var origin = http.Request.Headers.Origin.ToString();
        if (origin.Length > 0)
            return _allowedOrigins.Contains(origin.TrimEnd('/')) ? null
                : $"requests from web pages at origin '{origin}' are refused; add it to allowedOrigins in the config to allow them";
        var site = http.Request.Headers["Sec-Fetch-Site"].ToString();
        return site is "cross-site" or "same-site"
            ? $"a {site} request from a web page is refused (Sec-Fetch-Site); configure allowedOrigins and send Origin"
            : null;
    }

    /// <summary>A CORS preflight from an allowed origin: answered here (browsers send no
    /// credentials with it). True when it was answered.</summary>
    public bool TryAnswerPreflight(HttpContext http)
    {
        var origin = http.Request.Headers.Origin.ToString();
        if (!HttpMethods.IsOptions(http.Request.Method) || origin.Length == 0
            || http.Request.Headers.AccessControlRequestMethod.Count == 0) return false;
        AddCorsHeaders(http);
        http.Response.Headers.AccessControlAllowMethods = "GET, HEAD, POST, PUT, DELETE";
        http.Response.Headers.AccessControlAllowHeaders = AllowedRequestHeaders;
        http.Response.Headers.AccessControlMaxAge = "600";
        http.Response.StatusCode = 204;
        return true;
    }

    /// <summary>CORS response headers for a request from an allowed origin (OriginProblem passed).</summary>
    public void AddCorsHeaders(HttpContext http)
    {
        var origin = http.Request.Headers.Origin.ToString();
        if (origin.Length == 0) return;
        http.Response.Headers.AccessControlAllowOrigin = origin;
        http.Response.Headers.AccessControlExposeHeaders = ExposedHeaders;
        http.Response.Headers.Vary = "Origin";
    }
}
