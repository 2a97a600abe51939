using OcciAgent.Occi.Catalog;

namespace OcciAgent.Config;

/// <summary>Settings of one agent. Defaults need nothing (issue #2): loopback port 8080 and a
/// state dir under the working directory; a packaged install points them at /etc and /var/lib.</summary>
public sealed class AgentOptions
{
    public string Listen { get; set; } = "http://127.0.0.1:8080";
    public string StateDir { get; set; } = "./var";
    /// <summary>Provider scheme prefix for templates (digest §2.8): provider-owned, never under
    /// http://schemas.ogf.org/occi/ (S3).</summary>
    public string SchemeBase { get; set; } = $"http://{SafeHost()}/occi/";
    /// <summary>Largest <c>number</c> accepted for pagination (GFD.223 §6: larger → 413).</summary>
    public int MaxPageSize { get; set; } = 1000;
    public string QemuImg { get; set; } = "qemu-img";
    public List<FlavourInfo> Flavours { get; set; } = [.. Templates.DefaultFlavours];

    public string DatabasePath => Path.Combine(StateDir, "occi.db");
    public string ImagesDir => Path.Combine(StateDir, "images");
    public string VolumesDir => Path.Combine(StateDir, "volumes");

    private static string SafeHost()
    {
        var h = Environment.MachineName.ToLowerInvariant();
        return h.Length > 0 && h.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.') ? h : "localhost";
    }
}
