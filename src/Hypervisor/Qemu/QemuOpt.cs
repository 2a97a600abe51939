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
}
