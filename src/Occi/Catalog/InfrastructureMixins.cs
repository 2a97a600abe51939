using OcciAgent.Occi.Model;

namespace OcciAgent.Occi.Catalog;

/// <summary>The provider-independent mixins of GFD.224 §3.2.1, §3.4.1, §3.5 and the OpenStack
/// contextualization mixins that 1.1 clients use (docs/conformance.md).</summary>
public static class InfrastructureMixins
{
    private static readonly Kind[] ComputeOnly = [InfrastructureKinds.Compute];

    // os_tpl also applies to storage: a storage with an image template is an overlay on that image.
    public static readonly Mixin OsTpl = new(Schemes.Infra, "os_tpl", "OS template", "/mixin/os_tpl/", [],
        [InfrastructureKinds.Compute, InfrastructureKinds.Storage], [], []);
    public static readonly Mixin ResourceTpl = new(Schemes.Infra, "resource_tpl", "Resource template", "/mixin/resource_tpl/", [], ComputeOnly, [], []);

    public static readonly Mixin IpNetwork = new(Schemes.Network, "ipnetwork", "IP networking", "/mixin/ipnetwork/", [],
        [InfrastructureKinds.Network],
    [
        new("occi.network.address", AttrType.String, Description: "Internet Protocol (IP) network address in CIDR notation")
            { Regex = IpPatterns.Cidr },
        new("occi.network.gateway", AttrType.String, Description: "Internet Protocol (IP) network address of the gateway")
            { Regex = IpPatterns.Address },
        new("occi.network.allocation", AttrType.String, Default: OcciValue.Str("static"),
            Description: "Address allocation mechanism: dynamic (DHCP) or static") { Enum = ["dynamic", "static"] },
    ], []);

    public static readonly Mixin IpNetworkInterface = new(Schemes.NetworkInterface, "ipnetworkinterface", "IP network interface",
        "/mixin/ipnetworkinterface/", [], [InfrastructureKinds.NetworkInterface],
    [
        new("occi.networkinterface.address", AttrType.String, Description: "Internet Protocol (IP) address of the interface")
            { Regex = IpPatterns.AddressWithOptionalPrefix },
        new("occi.networkinterface.gateway", AttrType.String, Description: "Internet Protocol (IP) address of the gateway")
            { Regex = IpPatterns.Address },
        new("occi.networkinterface.allocation", AttrType.String, Default: OcciValue.Str("dynamic"),
            Description: "Address allocation mechanism: dynamic (DHCP) or static") { Enum = ["dynamic", "static"] },
    ], []);

    public static readonly Mixin SshKey = new(Schemes.Credentials, "ssh_key", "SSH public key", "/mixin/ssh_key/", [], ComputeOnly,
    [
        new("occi.credentials.ssh.publickey", AttrType.String, Description: "Contents of an SSH public key file") { WriteOnce = true },
    ], []);

    public static readonly Mixin UserData = new(Schemes.Compute, "user_data", "Contextualization user data", "/mixin/user_data/", [], ComputeOnly,
    [
        new("occi.compute.userdata", AttrType.String, Description: "Data handed to the instance at first boot (Base64 or text)") { WriteOnce = true },
    ], []);

    public static readonly Mixin OpenStackPublicKey = new(Schemes.OpenStackCredentials, "public_key", "SSH public key (OpenStack, OCCI 1.1 clients)",
        "/mixin/public_key/", [], ComputeOnly,
    [
        new("org.openstack.credentials.publickey.name", AttrType.String, Description: "Name of the public key") { WriteOnce = true },
        new("org.openstack.credentials.publickey.data", AttrType.String, Description: "Contents of an SSH public key file") { WriteOnce = true },
    ], []);

    public static readonly Mixin OpenStackUserData = new(Schemes.OpenStackCompute, "user_data", "User data (OpenStack, OCCI 1.1 clients)",
        "/mixin/openstack_user_data/", [], ComputeOnly,
    [
        new("org.openstack.compute.user_data", AttrType.String, Description: "Base64-encoded user data") { WriteOnce = true },
    ], []);

    public static readonly IReadOnlyList<Mixin> All =
        [OsTpl, ResourceTpl, IpNetwork, IpNetworkInterface, SshKey, UserData, OpenStackPublicKey, OpenStackUserData];
}

/// <summary>Regular expressions for IP attributes (GFD.224 §3.2.1, §3.4.1).</summary>
public static class IpPatterns
{
    private const string V4 = @"(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}";
    private const string V6 = @"[0-9a-fA-F:]*:[0-9a-fA-F:.]*";
    public const string Address = "^(" + V4 + "|" + V6 + ")$";
    public const string Cidr = "^(" + V4 + @"/([0-9]|[12]\d|3[0-2])|" + V6 + @"/([0-9]|[1-9]\d|1[01]\d|12[0-8]))$";
    public const string AddressWithOptionalPrefix = "^(" + V4 + @"(/([0-9]|[12]\d|3[0-2]))?|" + V6 + @"(/([0-9]|[1-9]\d|1[01]\d|12[0-8]))?)$";
}
