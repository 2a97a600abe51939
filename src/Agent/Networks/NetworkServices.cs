using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OcciAgent.Config;
using OcciAgent.Net;
using OcciAgent.Net.Dhcp;
using OcciAgent.Net.Links;
using OcciAgent.Net.Nat;
using OcciAgent.Services;

namespace OcciAgent.Networks;

/// <summary>Registers the host networking parts: iproute2, nftables, the DHCP server
/// and the two kind backends.</summary>
public static class NetworkServices
{
    public static IServiceCollection AddNetworking(this IServiceCollection services, AgentOptions options)
    {
        services.AddSingleton(new IpLink(new HostTool(options.Ip, "iproute2")));
        services.AddSingleton(new NftNat(new HostTool(options.Nft, "nftables")));
        services.AddSingleton<IDhcpServer>(sp => CreateDhcp(options, sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<NetworkHost>();
        services.AddSingleton<INetworkHost>(sp => sp.GetRequiredService<NetworkHost>());
        // The order of the start-up reconcile is EntityService.ReconcileOrder, not this one.
        services.AddSingleton<IKindBackend, NetworkKindBackend>();
        services.AddSingleton<IKindBackend, NetworkInterfaceBackend>();
        return services;
    }

    private static IDhcpServer CreateDhcp(AgentOptions options, ILoggerFactory logs) =>
        new DnsmasqDhcpServer(options.Dhcp.ToDhcpOptions(options.StateDir),
            logs.CreateLogger<DnsmasqDhcpServer>());
}
