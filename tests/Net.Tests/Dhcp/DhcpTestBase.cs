using OcciAgent.Net.Dhcp;
using Xunit.Abstractions;

namespace OcciAgent.Net.Tests.Dhcp;

/// <summary>What every DHCP test class needs: a namespace with a bridge (<see cref="TestNetwork"/>),
/// a run dir, and the servers it started, all removed when the test ends, also when it failed.</summary>
public abstract class DhcpTestBase(ITestOutputHelper output) : IAsyncLifetime
{
    protected ITestOutputHelper Output { get; } = output;
    protected readonly TestOutputLogger _log = new(output);
    protected readonly TempRunDir _runDir = new();
    protected readonly List<DnsmasqDhcpServer> _servers = [];
    protected TestNetwork _net = null!;

    public Task InitializeAsync()
    {
        _net = TestNetwork.Create();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        try
        {
            foreach (var s in _servers) await s.DisposeAsync();
        }
        finally
        {
            _net.Dispose();
            _runDir.Dispose();
            DisposeMore();
        }
    }

    protected virtual void DisposeMore() { }
}
