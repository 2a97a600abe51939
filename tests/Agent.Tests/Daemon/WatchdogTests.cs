using Microsoft.Extensions.Logging;
using OcciAgent.Config;
using OcciAgent.Services;
using OcciAgent.Store;
using OcciAgent.Systemd;
using Microsoft.Extensions.DependencyInjection;

namespace OcciAgent.Tests.Daemon;

/// <summary>The watchdog's gating: pings follow the health probe. The probe is swapped for a
/// controllable one here (the real probe is tested below against a real agent, and the whole
/// chain in <see cref="AgentBinaryNotifyTests"/>).</summary>
[Trait("Category", "Integration")]
public class WatchdogTests
{
    [Fact]
    public async Task Pings_StopWhileTheProbeHangsAndResumeAfter()
    {
        using var socket = new NotifySocket();
        using var notifier = SdNotifier.Create(socket.Address, "200000", null, Environment.ProcessId); // 200 ms: ping every 100
        var healthy = new TaskCompletionSource();
        healthy.SetResult();
        var gate = healthy;
        var probes = 0;
        var log = new ListLogger();
        await using (var dog = new Watchdog(notifier, _ => { Interlocked.Increment(ref probes); return gate.Task; }, log))
        {
            Assert.Equal(TimeSpan.FromMilliseconds(100), dog.Period);
            Assert.Equal("WATCHDOG=1", await socket.ReceiveAsync(TimeSpan.FromSeconds(5)));
            Assert.Equal("WATCHDOG=1", await socket.ReceiveAsync(TimeSpan.FromSeconds(5)));

            var wedged = new TaskCompletionSource();
            gate = wedged;
            // Drain what was already sent, then nothing may arrive while the probe hangs.
            while (await socket.ReceiveAsync(TimeSpan.FromMilliseconds(250)) is not null) { }
            var probesWhileWedged = probes;
            Assert.Null(await socket.ReceiveAsync(TimeSpan.FromMilliseconds(600)));
            Assert.Contains(log.Snapshot(), m => m.Contains("health probe failed (no answer within 100 ms)"));
            Assert.True(probes - probesWhileWedged <= 1, $"a hung probe must not be stacked: {probes - probesWhileWedged} new probes");

            gate = healthy;
            wedged.SetResult();
            Assert.Equal("WATCHDOG=1", await socket.ReceiveAsync(TimeSpan.FromSeconds(5)));
        }
        // Disposed: no more pings.
        while (await socket.ReceiveAsync(TimeSpan.FromMilliseconds(150)) is not null) { }
        Assert.Null(await socket.ReceiveAsync(TimeSpan.FromMilliseconds(400)));
    }

    [Fact]
    public async Task A_FailingProbeIsLoggedAndNotPinged()
    {
        using var socket = new NotifySocket();
        using var notifier = SdNotifier.Create(socket.Address, "200000", null, Environment.ProcessId);
        var log = new ListLogger();
        await using (new Watchdog(notifier, _ => throw new InvalidOperationException("store is gone"), log))
            Assert.Null(await socket.ReceiveAsync(TimeSpan.FromMilliseconds(500)));
        Assert.Contains(log.Snapshot(), m => m.Contains("health probe failed (store is gone)"));
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080", "http://127.0.0.1:8080")]
    [InlineData("http://0.0.0.0:8080", "http://127.0.0.1:8080")]
    [InlineData("http://[::]:9000", "http://[::1]:9000")]
    [InlineData("http://node.example:81", "http://node.example:81")]
    public void Loopback_UrlOfTheListenAddress(string listen, string expected) =>
        Assert.Equal(expected, AgentHealthProbe.LoopbackUrl([listen]));

    [Fact]
    public void No_LoopbackUrlForHttpsOnly() => Assert.Null(AgentHealthProbe.LoopbackUrl(["https://127.0.0.1:8443"]));

    [Fact]
    public void No_LoopbackUrlForAUnixSocketListener() => Assert.Null(AgentHealthProbe.LoopbackUrl(["http://unix:/run/occi-agent/agent.sock"]));

    [Fact]
    public async Task The_RealProbePassesOnAServingAgentAndFailsWithoutHttp()
    {
        var dir = Path.Combine(Path.GetTempPath(), "occi-agent-test-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            using (var stateLock = StateDirLock.Acquire(dir))
            {
                var options = new AgentOptions { Listen = ["http://127.0.0.1:0"], StateDir = dir, SchemeBase = "http://node.test/occi/" };
                await using var app = AgentHost.Build(options, l => l.SetMinimumLevel(LogLevel.Warning));
                await AgentHost.PrepareAsync(app, CancellationToken.None);
                await app.StartAsync();
                var service = app.Services.GetRequiredService<EntityService>();
                var probe = new AgentHealthProbe(service, AgentHealthProbe.LoopbackUrl(app.Urls));
                await probe.ProbeAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
                Assert.Empty(service.Store.All()); // the probe wrote nothing

                // Nothing listens on port 1 of loopback: the request half of the probe fails.
                var deaf = new AgentHealthProbe(service, "http://127.0.0.1:1");
                await Assert.ThrowsAnyAsync<HttpRequestException>(() => deaf.ProbeAsync(CancellationToken.None));
                await app.StopAsync();
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private sealed class ListLogger : ILogger
    {
        private readonly List<string> _messages = [];
        public List<string> Snapshot() { lock (_messages) return [.. _messages]; }
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_messages) _messages.Add(formatter(state, exception));
        }
    }
}
