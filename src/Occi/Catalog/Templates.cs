using OcciAgent.Occi.Model;

namespace OcciAgent.Occi.Catalog;

/// <summary>An OS image behind an os_tpl mixin: <c>images/NAME.qcow2</c> plus its optional sidecar
/// <c>NAME.json</c> (title, and kernel/initrd/cmdline for direct kernel boot). Paths are absolute.</summary>
public sealed record ImageInfo(string Name, string Path, string? Kernel, string? Initrd, string? Cmdline);

/// <summary>A flavour behind a resource_tpl mixin.</summary>
public sealed record FlavourInfo(string Name, string? Title, int Cores, double MemoryGiB);

/// <summary>Builds provider template mixins (GFD.224 §3.5): one per image,
/// one per flavour, each depending on its base mixin and applying to compute.</summary>
public static class Templates
{
    public static Mixin OsTemplate(string schemeBase, ImageInfo image, string? title) =>
        new(schemeBase + "infrastructure/os_tpl#", image.Name, title ?? image.Name, $"/mixin/os_tpl/{image.Name}/",
            [InfrastructureMixins.OsTpl], [InfrastructureKinds.Compute, InfrastructureKinds.Storage], [], [])
        { Backing = image };

    /// <summary>Provider mixin: masquerade the network's addresses out through the configured
    /// uplink (off unless a network carries it).</summary>
    public static Mixin NatMixin(string schemeBase) =>
        new(schemeBase + "network#", "nat", "NAT: masquerade this network's addresses out through the host's uplink",
            "/mixin/nat/", [], [InfrastructureKinds.Network], [], []);

    public static Mixin ResourceTemplate(string schemeBase, FlavourInfo f) =>
        new(schemeBase + "infrastructure/resource_tpl#", f.Name,
            f.Title ?? $"{f.Name}: {f.Cores} core(s), {OcciValue.FormatFloat(f.MemoryGiB)} GiB",
            $"/mixin/resource_tpl/{f.Name}/",
            [InfrastructureMixins.ResourceTpl], [InfrastructureKinds.Compute],
            [
                // Template defaults override the kind's (GFD.221 §5.3.7).
                new("occi.compute.cores", AttrType.Integer, Default: OcciValue.Int(f.Cores), Description: "Number of virtual CPU cores") { Minimum = 1 },
                new("occi.compute.memory", AttrType.Float, Default: OcciValue.Float(f.MemoryGiB), Description: "Maximum RAM in GiB")
                    { Minimum = 0, ExclusiveMinimum = true },
            ], [])
        { Backing = f };

    /// <summary>Default flavours: the CRTP sizes (GFD.222) plus a tiny one that fits
    /// small edge nodes.</summary>
    public static readonly IReadOnlyList<FlavourInfo> DefaultFlavours =
    [
        new("tiny", null, 1, 0.25),
        new("small", null, 1, 1.0),
        new("medium", null, 2, 2.0),
        new("large", null, 4, 4.0),
    ];

    /// <summary>Turns a file name into a term both OCCI 1.1 and 1.2 clients accept
    /// (GFD.229 §4.1 and GFD.185 terms: lowercase, starts with a letter, [a-z0-9_-]).</summary>
    public static string? SanitiseTerm(string name)
    {
        var chars = name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray();
        var term = new string(chars).Trim('_');
        if (term.Length == 0) return null;
        if (!char.IsAsciiLetter(term[0])) term = "img_" + term;
        return term.Length > 64 ? term[..64] : term;
    }
}
