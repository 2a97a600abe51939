using Microsoft.Extensions.Logging;
using OcciAgent.Config;
using OcciAgent.Net.Dhcp;

namespace OcciAgent.Networks;

// Placeholder until the dnsmasq DHCP server lands: dynamic allocation answers 501.
public static partial class NetworkServices
{
    private static partial IDhcpServer CreateDhcp(AgentOptions options, ILoggerFactory logs) => new NoDhcpServer();
}

internal sealed class NoDhcpServer : IDhcpServer
{
    public string BusDescription => "no DHCP server in this build";
    public event Action<DhcpLeaseChange, DhcpLease>? LeaseChanged { add { } remove { } }
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    public Task EnsureAsync(DhcpScope scope, CancellationToken ct) =>
        throw new AgentException(AgentError.NotImplemented, $"network {scope.NetworkId}: occi.network.allocation=dynamic is not implemented in this build");
    public IReadOnlyList<DhcpLease> Leases(string key) => [];
    public Task RemoveLeftoversAsync(IReadOnlySet<string> keep, CancellationToken ct) => Task.CompletedTask;
    public Task StartAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StopAsync(string key, CancellationToken ct) => Task.CompletedTask;
}
