using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using OcciAgent.Vms;
using OcciAgent.Hypervisor.Vm;
using OcciAgent.Occi.Catalog;
using OcciAgent.Services;

namespace OcciAgent.Http;

/// <summary>occi-agent's extensions next to the OCCI URL space (documented in README):
/// <c>GET /host</c> tells what this host runs VMs with;
/// <c>GET|POST /compute/ID/console</c> reads a VM's serial log or types into it.
/// Neither path can be an OCCI location: entities live one level under a kind location, and
/// collections end with '/'.</summary>
public sealed class HostEndpoints(ComputeHost host, EntityService service, Networks.NetworkHost networks, Tls.TlsCertificates tls)
{
    private const string ConsoleSuffix = "/console";

    public async Task<bool> TryHandleAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "/";
        try
        {
            if (path == "/host") { await HostInfoAsync(http); return true; }
            if (IsConsolePath(path))
            {
                await ConsoleAsync(http, path[..^ConsoleSuffix.Length]);
                return true;
            }
            return false;
        }
        catch (Exception e) when (ErrorMapping.Map(e) is { } mapped && !http.Response.HasStarted)
        {
            if ((e as AgentException)?.Allow is { } allow) http.Response.Headers.Allow = allow;
            await PlainAsync(http, mapped.Status, mapped.Message + "\n");
            return true;
        }
    }

    /// <summary><c>/compute/ID/console</c> (AccessPolicy also asks: typing into it is admin-only).</summary>
    internal static bool IsConsolePath(string path)
    {
        var prefix = InfrastructureKinds.Compute.Location!;
        return path.StartsWith(prefix, StringComparison.Ordinal) && path.EndsWith(ConsoleSuffix, StringComparison.Ordinal)
            && path.Length > prefix.Length + ConsoleSuffix.Length && path.IndexOf('/', prefix.Length) == path.Length - ConsoleSuffix.Length;
    }

    private async Task HostInfoAsync(HttpContext http)
    {
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
            throw new AgentException(AgentError.MethodNotAllowed, $"{http.Request.Method} is not defined on /host; allowed: GET, HEAD") { Allow = "GET, HEAD" };
        var q = host.Qemu;
        var vms = host.All.Select(v => v.Status).ToList();
        var fields = new List<(string Key, string? Value)>
        {
            ("qemu", q?.QemuPath),
            ("qemu.version", q?.QemuVersion),
            ("accelerator", q?.Accelerator.ToString().ToLowerInvariant()),
            ("accelerator.reason", q?.AcceleratorReason),
            ("launcher", host.Launcher?.Name),
            ("launcher.reason", host.LauncherReason),
            ("vms.available", q is null ? "false" : q.CanRunVms ? "true" : "false"),
            ("vms.problem", q?.Problem),
            ("vms.running", vms.Count(s => s.Phase is VmPhase.Running or VmPhase.Paused).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("dhcp", networks.Dhcp.BusDescription),
            // What a client pins (README "Listeners and TLS"); null without an https listener.
            ("tls.fingerprint", tls.Current?.Fingerprint),
            ("tls.pin", tls.Current?.Pin),
        };
        if (http.Request.Headers.Accept.ToString().Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
            {
                w.WriteStartObject();
                foreach (var (k, v) in fields)
                    if (v is null) w.WriteNull(k); else w.WriteString(k, v);
                w.WriteEndObject();
            }
            await WriteAsync(http, 200, "application/json", buffer.ToArray());
            return;
        }
        var text = new StringBuilder();
        foreach (var (k, v) in fields) text.Append(k).Append(": ").Append(v ?? "").Append('\n');
        await PlainAsync(http, 200, text.ToString());
    }

    private async Task ConsoleAsync(HttpContext http, string computePath)
    {
        var compute = service.FindAt(computePath) ?? throw AgentException.NotFound($"no compute at {computePath}");
        var vm = host.Vm(compute.Id);
        if (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))
        {
            var max = host.VmOptions.ConsoleLogBytes;
            if (http.Request.Query.TryGetValue("bytes", out var b))
            {
                if (!long.TryParse(b.ToString(), out var n) || n < 1)
                    throw AgentException.Invalid($"bytes must be a positive integer, not '{b}'");
                max = Math.Min(max, n);
            }
            await WriteAsync(http, 200, "text/plain; charset=utf-8", SerialConsole.ReadLog(vm.Directory.ConsoleLog, max));
            return;
        }
        if (HttpMethods.IsPost(http.Request.Method))
        {
            using var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body, http.RequestAborted);
            if (body.Length == 0) throw AgentException.Invalid("POST to a console needs the text to type as the request body");
            if (body.Length > 64 * 1024) throw new AgentException(AgentError.TooLarge, "console input is limited to 64 KiB per request");
            await vm.SendConsoleAsync(body.ToArray(), http.RequestAborted);
            http.Response.StatusCode = 204;
            return;
        }
        throw new AgentException(AgentError.MethodNotAllowed, $"{http.Request.Method} is not defined on {computePath}/console; allowed: GET, HEAD, POST") { Allow = "GET, HEAD, POST" };
    }

    private static Task PlainAsync(HttpContext http, int status, string text) =>
        WriteAsync(http, status, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(text));

    private static async Task WriteAsync(HttpContext http, int status, string contentType, byte[] body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = contentType;
        http.Response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(http.Request.Method)) await http.Response.Body.WriteAsync(body, http.RequestAborted);
    }
}
