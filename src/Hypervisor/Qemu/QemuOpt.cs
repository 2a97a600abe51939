using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace OcciAgent.Hypervisor.Qemu;

/// <summary>Values placed inside a QEMU option string (<c>key=value,key=value</c>, as taken by
/// <c>-drive</c>, <c>-blockdev</c>, <c>--image-opts</c>...). QEMU's option parser ends a value at
/// a comma and reads ",," as a literal comma (qemu-options, "QEMU option syntax"), so every
/// value is escaped here; nothing that cannot be escaped (NUL, line breaks) gets this far.</summary>
public static class QemuOpt
{
    public static string Escape(string value)
    {
        if (value.IndexOfAny(['\0', '\n', '\r']) >= 0)
            throw new ArgumentException("a QEMU option value cannot contain NUL or line breaks", nameof(value));
        return value.Replace(",", ",,", StringComparison.Ordinal);
    }

    /// <summary>Builds <c>k1=v1,k2=v2</c> with every value escaped; keys are ours, never user input.</summary>
    public static string Join(params (string Key, string Value)[] pairs) =>
        string.Join(',', pairs.Select(p => p.Key + "=" + Escape(p.Value)));

    /// <summary>The option string of a QMP argument object, so that a device's command line and its
    /// hot-plug call come from one record: QEMU reads dotted keys as nested objects
    /// (<c>file.driver=file</c> is <c>"file":{"driver":"file"}</c>) and on/off as booleans. Properties
    /// keep their order; values are escaped as in <see cref="Join(ValueTuple{string, string}[])"/>.</summary>
    public static string Join<T>(T value, JsonTypeInfo<T> info)
    {
        var pairs = new List<(string, string)>();
        Flatten(JsonSerializer.SerializeToElement(value, info), "", pairs);
        return Join([.. pairs]);
    }

    private static void Flatten(JsonElement e, string prefix, List<(string, string)> pairs)
    {
        foreach (var p in e.EnumerateObject())
        {
            var key = prefix + p.Name;
            switch (p.Value.ValueKind)
            {
                case JsonValueKind.Object: Flatten(p.Value, key + ".", pairs); break;
                case JsonValueKind.String: pairs.Add((key, p.Value.GetString()!)); break;
                case JsonValueKind.True: pairs.Add((key, "on")); break;
                case JsonValueKind.False: pairs.Add((key, "off")); break;
                case JsonValueKind.Number: pairs.Add((key, p.Value.GetRawText())); break;
                default: throw new ArgumentException($"'{key}' ({p.Value.ValueKind}) has no QEMU option form");
            }
        }
    }
}
