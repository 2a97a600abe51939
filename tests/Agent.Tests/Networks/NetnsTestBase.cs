using System.Net;
using System.Text.Json;
using OcciAgent.Net.Links;
using OcciAgent.Tests.Http;
using OcciAgent.Tests.Vms;

namespace OcciAgent.Tests.Networks;

/// <summary>Network tests run the agent binary inside a network namespace the test creates and
/// deletes: bridges, taps, dnsmasq and NAT rules never reach the host's namespace.
/// The VM helpers come along for the tests that boot the guest.</summary>
public abstract class NetnsTestBase : Vms.VmTestBase
{
    public const string IpNetwork = "Category: ipnetwork; scheme=\"http://schemas.ogf.org/occi/infrastructure/network#\"; class=\"mixin\"";
    public const string IpNetworkInterface = "Category: ipnetworkinterface; scheme=\"http://schemas.ogf.org/occi/infrastructure/networkinterface#\"; class=\"mixin\"";
    public const string Nat = "Category: nat; scheme=\"http://node.test/occi/network#\"; class=\"mixin\"";
    public const string NetworkInterfaceKind = $"Category: networkinterface; scheme=\"{Infra}\"; class=\"kind\"";
    public const string NetworkAction = "http://schemas.ogf.org/occi/infrastructure/network/action#";

    protected override Task<AgentServer> StartAgentAsync() => AgentServer.StartInNetnsAsync(BeforeStart);


    protected Task<string> CreateNetworkAsync(string cidr, string? gateway = null, string allocation = "static", params string[] extra)
    {
        var lines = new List<string> { NetworkKind, IpNetwork, $"X-OCCI-Attribute: occi.network.address=\"{cidr}\"",
            $"X-OCCI-Attribute: occi.network.allocation=\"{allocation}\"" };
        if (gateway is not null) lines.Add($"X-OCCI-Attribute: occi.network.gateway=\"{gateway}\"");
        lines.AddRange(extra);
        return CreateAsync("/network/", [.. lines]);
    }

    protected Task<string> CreateInterfaceAsync(string compute, string network, params string[] extra) =>
        CreateAsync("/networkinterface/", [NetworkInterfaceKind,
            $"X-OCCI-Attribute: occi.core.source=\"{compute}\"", $"X-OCCI-Attribute: occi.core.target=\"{network}\"", .. extra]);

    protected async Task<HttpResponseMessage> NetworkActAsync(string path, string action) =>
        await Agent.SendAsync(HttpMethod.Post, $"{path}?action={action}",
            Lines($"Category: {action}; scheme=\"{NetworkAction}\"; class=\"action\""));

    /// <summary>The namespace's links, from <c>ip -j -d link show</c> run by the test itself.</summary>
    protected IReadOnlyList<LinkInfo> HostLinks() => LinkInfo.ParseList(Agent.InNetns("ip", "-j", "-d", "link", "show"));

    protected LinkInfo? HostLink(string name) => HostLinks().FirstOrDefault(l => l.Name == name);

    protected IReadOnlyList<string> HostAddresses(string name) =>
        LinkAddress.ParseList(Agent.InNetns("ip", "-j", "-4", "addr", "show", "dev", name)).Select(a => a.ToString()).ToList();

    protected static string Unquote(string? v) => v?.Trim('"') ?? "";

    protected async Task<string> AttrOfAsync(string path, string name) => Unquote(Attr(await GetTextAsync(path), name));

    protected async Task AssertStatusAsync(HttpResponseMessage r, HttpStatusCode status, string mention)
    {
        var body = await r.BodyAsync();
        Assert.True(r.StatusCode == status, $"expected {(int)status}, got {(int)r.StatusCode}: {body}");
        Assert.Contains(mention, body);
    }
}
