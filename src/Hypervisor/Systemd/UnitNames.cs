using System.Text;

namespace OcciAgent.Hypervisor.Systemd;

/// <summary>Names systemd and machined accept, derived from a VM (compute) id.</summary>
public static class UnitNames
{
    /// <summary>UNIT_NAME_MAX in systemd (unit-name.h) is 256 including the NUL.</summary>
    public const int MaxUnitName = 255;
    /// <summary>machined names must be valid hostnames: at most HOST_NAME_MAX (64) bytes.</summary>
    public const int MaxMachineName = 64;
    public const string Prefix = "occi-vm-";

    /// <summary><c>occi-vm-&lt;id&gt;.service</c>. Dashes stay literal (they are valid in service
    /// names and only mean nesting in slice names), so <c>systemctl status occi-vm-$ID</c> works
    /// with the compute id as the API shows it; anything outside <c>[A-Za-z0-9:_.-]</c> and a
    /// leading dot are escaped as systemd-escape does (<c>\xNN</c>).</summary>
    public static string ForVm(string vmId)
    {
        ArgumentException.ThrowIfNullOrEmpty(vmId);
        var name = Prefix + Escape(vmId) + ".service";
        if (Encoding.UTF8.GetByteCount(name) > MaxUnitName)
            throw new ArgumentException($"VM id '{vmId}' is too long for a systemd unit name ({name.Length} > {MaxUnitName} characters)", nameof(vmId));
        return name;
    }

    /// <summary>The machined name: the unit name without <c>.service</c>, or null when it cannot
    /// be a hostname (too long, or characters other than letters, digits, '-', '_').</summary>
    public static string? MachineFor(string vmId)
    {
        var name = Prefix + vmId;
        return name.Length <= MaxMachineName && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') ? name : null;
    }

    /// <summary>A slice name: letters, digits, ':', '_', '.', '-' and the <c>.slice</c> suffix;
    /// returns the problem, or null when it is fine.</summary>
    public static string? CheckSlice(string slice)
    {
        if (!slice.EndsWith(".slice", StringComparison.Ordinal) || slice.Length <= ".slice".Length)
            return $"slice '{slice}' must be a name ending in .slice, e.g. occi-vms.slice";
        var stem = slice[..^".slice".Length];
        if (stem.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is ':' or '_' or '.' or '-')) || stem.StartsWith('-') || stem.EndsWith('-') || stem.Contains("--"))
            return $"slice '{slice}' may hold only letters, digits, ':', '_', '.' and single inner '-' (a dash means nesting)";
        return slice.Length > MaxUnitName ? $"slice '{slice}' is longer than {MaxUnitName} characters" : null;
    }

    /// <summary>The object path systemd gives a unit: every byte outside [A-Za-z0-9] becomes _XX
    /// (sd-bus bus_label_escape), so the path is known before the unit exists and signals of a
    /// unit being started can be matched before the start call.</summary>
    public static string ObjectPath(string unitName)
    {
        var sb = new StringBuilder("/org/freedesktop/systemd1/unit/");
        foreach (var b in Encoding.UTF8.GetBytes(unitName))
        {
            if (b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9') sb.Append((char)b);
            else sb.Append('_').Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    private static string Escape(string s)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if ((char.IsAsciiLetterOrDigit(c) || c is ':' or '_' or '-' or '.') && !(i == 0 && c == '.')) sb.Append(c);
            else foreach (var b in Encoding.UTF8.GetBytes(c.ToString())) sb.Append("\\x").Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}
