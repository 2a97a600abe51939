using OcciAgent.Occi.Model;
using OcciAgent.Occi.Rendering;

namespace OcciAgent.Config;

/// <summary>The bounds of one request (README "Limits"): every value is far above what a client
/// needs and low enough that a request at every limit at once is served in well under a second
/// and in a few MiB. Each refusal names the limit, so a client can tell which one it met.</summary>
public sealed class RequestLimits
{
    public const int DefaultMaxRequestBytes = 1024 * 1024;
    public const int DefaultMaxUserMixins = 10_000;
    /// <summary>16 TiB: far above a single host's disks, far below qcow2's own ceiling.</summary>
    public const double DefaultMaxStorageGiB = 16 * 1024;
    /// <summary>The highest maxStorageGiB a config may set: 1 PiB, where byte counts stay exact in a double.</summary>
    public const double CeilingStorageGiB = 1024 * 1024;

    /// <summary>Kestrel's bounds on headers: text/occi carries whole renderings in headers
    /// (GFD.229 §7), so the total matches the body limit's default; beyond either → 431.</summary>
    public const int MaxHeaderBytes = 1024 * 1024;
    public const int MaxHeaderCount = 2000;

    public const int MaxCategories = 1000;
    public const int MaxAttributes = 1000;
    public const int MaxLinks = 100;
    public const int MaxLocations = 1000;
    /// <summary>Characters of one attribute value, category title or location.</summary>
    public const int MaxValueChars = 4096;
    /// <summary>user_data (GFD.224 §3.5.4) is a cloud-init document, Base64 encoded: 256 Ki characters.</summary>
    public const int MaxUserDataChars = 256 * 1024;
    /// <summary>An SSH public key file with several keys (GFD.224 §3.5.3).</summary>
    public const int MaxSshKeyChars = 16 * 1024;

    private static readonly HashSet<string> UserData = new(StringComparer.Ordinal)
        { "occi.compute.userdata", "org.openstack.compute.user_data" };
    private static readonly HashSet<string> SshKeys = new(StringComparer.Ordinal)
        { "occi.credentials.ssh.publickey", "occi.crendentials.ssh.publickey", "org.openstack.credentials.publickey.data" };

    public RequestLimits(AgentOptions options, HostCapacity? host = null)
    {
        MaxRequestBytes = options.MaxRequestBytes;
        MaxUserMixins = options.MaxUserMixins;
        MaxStorageGiB = options.MaxStorageGiB;
        Host = host ?? HostCapacity.Read();
    }

    public int MaxRequestBytes { get; }
    public int MaxUserMixins { get; }
    public double MaxStorageGiB { get; }
    public HostCapacity Host { get; }

    public static int MaxCharsOf(string attribute) =>
        UserData.Contains(attribute) ? MaxUserDataChars : SshKeys.Contains(attribute) ? MaxSshKeyChars : MaxValueChars;

    /// <summary>Counts and sizes of a parsed request, before anything acts on it.</summary>
    public static void Check(OcciDocument doc)
    {
        Count(doc.Categories.Count, MaxCategories, "categories");
        Count(doc.Attributes.Count, MaxAttributes, "attributes");
        Count(doc.Links.Count, MaxLinks, "links");
        Count(doc.Locations.Count + doc.EntityRefs.Count, MaxLocations, "locations");
        Count(doc.MoreEntities.Count, MaxCategories, "entities");
        foreach (var c in doc.Categories)
        {
            Chars("the title of category " + c.Term, c.Title, MaxValueChars);
            Chars("the location of category " + c.Term, c.Location, MaxValueChars);
            Chars("the scheme of category " + c.Term, c.Scheme, MaxValueChars);
            Count(c.Rel.Count + c.Attributes.Count + c.Actions.Count, MaxCategories, $"rel, attributes and actions of category {c.Term}");
        }
        Values(doc.Attributes);
        var linkAttrs = 0;
        foreach (var l in doc.Links)
        {
            Chars("a link target", l.Target, MaxValueChars);
            linkAttrs += l.Attributes.Count;
            Count(linkAttrs, MaxAttributes, "link attributes");
            Values(l.Attributes);
        }
        foreach (var loc in doc.Locations) Chars("a location", loc, MaxValueChars);
        foreach (var more in doc.MoreEntities) Check(more);
    }

    private static void Values(IEnumerable<KeyValuePair<string, OcciValue>> attributes)
    {
        foreach (var (name, value) in attributes)
        {
            Chars("an attribute name", name, 256);
            if (value.Kind == ValueKind.String) Chars("attribute " + name, value.AsString, MaxCharsOf(name));
        }
    }

    private static void Count(int count, int max, string what)
    {
        if (count > max)
            throw new AgentException(AgentError.TooLarge, $"the request carries {count} {what}; the limit is {max} per request");
    }

    private static void Chars(string what, string? value, int max)
    {
        if (value is not null && value.Length > max)
            throw new AgentException(AgentError.TooLarge, $"{what} is {value.Length} characters long; the limit is {max}");
    }
}

/// <summary>What this host can give one VM: its online CPUs and physical memory. A compute asking
/// for more could never start, so it is refused at create and update.</summary>
public sealed record HostCapacity(int Cpus, double MemoryGiB)
{
    public static HostCapacity Read()
    {
        var memKiB = 0L;
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
                if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
                {
                    var digits = new string(line.Where(char.IsAsciiDigit).ToArray());
                    long.TryParse(digits, System.Globalization.CultureInfo.InvariantCulture, out memKiB);
                    break;
                }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        // Without /proc/meminfo nothing is refused on memory here; QEMU's start reports it instead.
        return new HostCapacity(Environment.ProcessorCount, memKiB > 0 ? memKiB / (1024d * 1024) : double.MaxValue);
    }
}
