namespace OcciAgent.Config.Settings;

/// <summary>Host networking: the uplink for VLANs and NAT, and the tools that configure them.</summary>
public sealed class NetworkSettings
{
    /// <summary>Host interface that carries VLANs (occi.network.vlan) and NAT traffic; none by default.</summary>
    public string? Uplink { get; set; }
    public string Ip { get; set; } = "ip";
    public string Nft { get; set; } = "nft";

    internal static readonly SettingKey[] Keys =
        [new("uplink", SettingShape.String), new("ip", SettingShape.String), new("nft", SettingShape.String)];
}
