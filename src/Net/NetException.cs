namespace OcciAgent.Net;

public enum NetErrorKind
{
    /// <summary>A tool (ip, nft, dnsmasq) is not installed.</summary>
    ToolMissing,
    /// <summary>The kernel or host lacks a feature (e.g. no 802.1q module).</summary>
    Unsupported,
    /// <summary>A service the change needs cannot run here (e.g. no bus for DHCP).</summary>
    Unavailable,
    /// <summary>A command failed; the message carries its stderr.</summary>
    Failed,
}

/// <summary>A host network change that did not happen, with the tool's own words.</summary>
public sealed class NetException(NetErrorKind kind, string message, Exception? inner = null) : Exception(message, inner)
{
    public NetErrorKind Kind { get; } = kind;
}
