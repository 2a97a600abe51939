using System.Net;
using System.Net.Sockets;

namespace OcciAgent.Tests.Http;

/// <summary>The test harness itself: an agent that cannot start reports why (here: its port is
/// taken), not a failure of the clean-up after it, and leaves no state dir behind.</summary>
[Trait("Category", "Integration")]
public sealed class AgentServerStartTests
{
    [Fact]
    public async Task An_AgentThatCannotStartReportsTheRealCauseAndLeavesNothing()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        string? stateDir = null;

        var e = await Record.ExceptionAsync(() => AgentServer.StartAsync(beforeStart: s =>
        {
            stateDir = s.StateDir;
            s.Options.Listen = [$"http://127.0.0.1:{port}"];
        }));

        Assert.NotNull(e);
        Assert.IsNotType<NullReferenceException>(e);
        Assert.Contains(port.ToString(), e.ToString());
        Assert.False(Directory.Exists(stateDir), $"the state dir {stateDir} was left behind");
    }
}
