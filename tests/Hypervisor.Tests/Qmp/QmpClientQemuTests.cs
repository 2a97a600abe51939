using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using OcciAgent.Hypervisor.Qemu.Qmp;

namespace OcciAgent.Hypervisor.Tests.Qmp;

/// <summary>Tests that start QEMU share one collection, so they run one after another and never hold more
/// than two QEMU processes at once (StartQemu checks).</summary>
[CollectionDefinition(Name)]
public sealed class QemuCollection
{
    public const string Name = "real qemu-system-x86_64";
}

/// <summary>The client against real <c>qemu-system-x86_64</c> (Debian package qemu-system-x86).</summary>
[Collection(QemuCollection.Name)]
[Trait("Category", "Vm")]
public sealed partial class QmpClientQemuTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly List<QemuProcess> _qemus = [];
    private readonly List<QmpClient> _clients = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
            await client.DisposeAsync();
        foreach (var qemu in _qemus)
            qemu.Dispose();
    }

    private QemuProcess StartQemu(string[] machine, params string[] extra)
    {
        Assert.True(_qemus.Count(q => !q.Process.HasExited) < 2, "a test would run more than two QEMU at once");
        var qemu = QemuProcess.Start(machine, extra);
        _qemus.Add(qemu);
        return qemu;
    }

    private async Task<QmpClient> ConnectAsync(QemuProcess qemu)
    {
        try
        {
            var client = await QmpClient.ConnectAsync(qemu.SocketPath, Timeout);
            _clients.Add(client);
            return client;
        }
        catch (QmpException e)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}\nQEMU exited: {qemu.Process.HasExited}, stderr:\n{qemu.Stderr}");
        }
    }

    private async Task<(QemuProcess Qemu, QmpClient Client)> StartAndConnectAsync(string[] machine, params string[] extra)
    {
        var qemu = StartQemu(machine, extra);
        return (qemu, await ConnectAsync(qemu));
    }

    [Fact(Timeout = 60000)]
    public async Task Connect_Greeting_ReportsTheInstalledVersion()
    {
        using var probe = Process.Start(new ProcessStartInfo("qemu-system-x86_64", ["--version"]) { RedirectStandardOutput = true })!;
        var banner = await probe.StandardOutput.ReadToEndAsync();
        var expected = VersionInBanner().Match(banner).Groups[1].Value;

        var (_, client) = await StartAndConnectAsync(QemuProcess.NoMachine, "-S");

        Assert.Matches(@"^\d+\.\d+\.\d+$", client.QemuVersion);
        Assert.Equal(expected, client.QemuVersion);
    }

    [Fact(Timeout = 60000)]
    public async Task Connect_BeforeQemuCreatesTheSocket_RetriesUntilItExists()
    {
        var directory = Directory.CreateTempSubdirectory("occi-qmp-").FullName;
        var socketPath = Path.Combine(directory, "qmp.sock");
        QemuProcess? qemu = null;
        try
        {
            var connecting = QmpClient.ConnectAsync(socketPath, Timeout);
            await Task.Delay(300);
            Assert.False(connecting.IsCompleted);
            qemu = QemuProcess.StartAt(directory, QemuProcess.NoMachine, "-S");
            _qemus.Add(qemu);
            var client = await connecting;
            _clients.Add(client);

            Assert.Equal(QmpRunState.Prelaunch, (await client.QueryStatusAsync()).Status);
        }
        finally
        {
            if (qemu is null && Directory.Exists(directory))
                Directory.Delete(directory, recursive: true);
        }
    }

    [Fact(Timeout = 60000)]
    public async Task Connect_NothingListens_TimesOutNamingTheSocket()
    {
        using var temp = new Volumes.TempDirectory();
        var path = temp.File("qmp.sock");
        var clock = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<QmpException>(() => QmpClient.ConnectAsync(path, TimeSpan.FromMilliseconds(500)));

        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(10));
        Assert.Equal($"could not connect to QMP socket '{path}' within 0.5 s: the socket file does not exist", e.Message);
    }

    [Fact(Timeout = 60000)]
    public async Task Connect_SecondClientWhileOneIsConnected_TimesOutWithoutGreeting()
    {
        var (qemu, _) = await StartAndConnectAsync(QemuProcess.NoMachine, "-S");

        var e = await Assert.ThrowsAsync<QmpException>(() => QmpClient.ConnectAsync(qemu.SocketPath, TimeSpan.FromMilliseconds(500)));

        Assert.Contains("sent no greeting", e.Message);
        Assert.Contains(qemu.SocketPath, e.Message);
    }

    [Fact(Timeout = 60000)]
    public async Task QueryStatus_Prelaunch_ThenRunningAfterCont()
    {
        var (_, client) = await StartAndConnectAsync(QemuProcess.NoMachine, "-S");

        Assert.Equal(new QmpStatus(QmpRunState.Prelaunch, false), await client.QueryStatusAsync());
        await client.ExecuteAsync("cont");
        Assert.Equal(new QmpStatus(QmpRunState.Running, true), await client.QueryStatusAsync());
    }

    [Fact(Timeout = 60000)]
    public async Task ExecuteAsync_UnknownCommand_ThrowsCommandNotFound()
    {
        var (_, client) = await StartAndConnectAsync(QemuProcess.NoMachine, "-S");

        var e = await Assert.ThrowsAsync<QmpException>(() => client.ExecuteAsync("no-such-command"));

        Assert.Equal("CommandNotFound", e.Class);
        Assert.Equal("The command no-such-command has not been found", e.Desc);
        Assert.Equal("QMP no-such-command failed: CommandNotFound: The command no-such-command has not been found", e.Message);
        Assert.False(e.ConnectionClosed);
        Assert.Equal(QmpRunState.Prelaunch, (await client.QueryStatusAsync()).Status); // the connection is still usable
    }

    [Fact(Timeout = 60000)]
    public async Task ExecuteAsync_BadArguments_ThrowsGenericError()
    {
        var (_, client) = await StartAndConnectAsync(QemuProcess.NoMachine, "-S");

        var unexpected = await Assert.ThrowsAsync<QmpException>(() => client.ExecuteAsync("query-status", w => w.WriteBoolean("bogus", true)));
        var missing = await Assert.ThrowsAsync<QmpException>(() => client.ExecuteAsync("device_del", w => { }));
        var wrongType = await Assert.ThrowsAsync<QmpException>(() => client.ExecuteAsync("device_del", w => w.WriteNumber("id", 1)));

        Assert.Equal(("GenericError", "Parameter 'bogus' is unexpected"), (unexpected.Class, unexpected.Desc));
        Assert.Equal(("GenericError", "Parameter 'id' is missing"), (missing.Class, missing.Desc));
        Assert.Equal("GenericError", wrongType.Class);
        Assert.Contains("'id'", wrongType.Desc);
    }

    [Fact(Timeout = 60000)]
    public async Task ExecuteAsync_WithArguments_ReturnsTheValue()
    {
        var (_, client) = await StartAndConnectAsync(QemuProcess.NoMachine, "-S");

        var text = await client.ExecuteAsync("human-monitor-command", w => w.WriteString("command-line", "info version"));

        Assert.Equal(JsonValueKind.String, text.ValueKind);
        Assert.StartsWith(client.QemuVersion, text.GetString());
    }

    [Fact(Timeout = 60000)]
    public async Task ExecuteAsync_Concurrent_EachCallerGetsItsOwnReply()
    {
        var (_, client) = await StartAndConnectAsync(QemuProcess.NoMachine, "-S");

        var calls = Enumerable.Range(0, 60).Select(i => (i % 4) switch
        {
            0 => Task.Run(async () => Assert.Equal("prelaunch", (await client.ExecuteAsync("query-status")).GetProperty("status").GetString())),
            1 => Task.Run(async () => Assert.Equal(7, (await client.ExecuteAsync("query-version")).GetProperty("qemu").GetProperty("major").GetInt32())),
            2 => Task.Run(async () => Assert.Equal(JsonValueKind.Array, (await client.ExecuteAsync("query-commands")).ValueKind)),
            _ => Task.Run(async () =>
            {
                var e = await Assert.ThrowsAsync<QmpException>(() => client.ExecuteAsync($"missing-{i}"));
                Assert.Equal($"The command missing-{i} has not been found", e.Desc);
            }),
        }).ToArray();

        await Task.WhenAll(calls).WaitAsync(Timeout);
    }

    [Fact(Timeout = 60000)]
    public async Task ExecuteAsync_LargeReply_IsParsed()
    {
        var (_, client) = await StartAndConnectAsync(QemuProcess.NoMachine, "-S");

        var schema = await client.ExecuteAsync("query-qmp-schema");

        Assert.True(schema.GetRawText().Length > 64 * 1024, $"schema is only {schema.GetRawText().Length} bytes");
        Assert.Contains(schema.EnumerateArray(), e =>
            e.GetProperty("meta-type").GetString() == "command" && e.GetProperty("name").GetString() == "query-status");
    }

    [Fact(Timeout = 60000)]
    public async Task StopAndCont_RaiseStopAndResumeEvents()
    {
        var (_, client) = await StartAndConnectAsync(QemuProcess.IdlePc);
        Assert.Equal(new QmpStatus(QmpRunState.Running, true), await client.QueryStatusAsync());

        var stop = await client.WaitForEventAsync(e => e.Name == "STOP", () => client.ExecuteAsync("stop"), Timeout);
        Assert.Equal(new QmpStatus(QmpRunState.Paused, false), await client.QueryStatusAsync());
        var resume = await client.WaitForEventAsync(e => e.Name == "RESUME", () => client.ExecuteAsync("cont"), Timeout);
        Assert.Equal(new QmpStatus(QmpRunState.Running, true), await client.QueryStatusAsync());
        var reset = await client.WaitForEventAsync(e => e.Name == "RESET", () => client.ExecuteAsync("system_reset"), Timeout);

        Assert.Empty(stop.Data.EnumerateObject());
        Assert.InRange(stop.Timestamp, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.True(resume.Timestamp >= stop.Timestamp);
        Assert.False(reset.Data.GetProperty("guest").GetBoolean());
        Assert.Equal("host-qmp-system-reset", reset.Data.GetProperty("reason").GetString());
        // The channel saw the same events, in order.
        string[] names = [(await client.Events.ReadAsync()).Name, (await client.Events.ReadAsync()).Name, (await client.Events.ReadAsync()).Name];
        Assert.Equal(["STOP", "RESUME", "RESET"], names);
    }

    [Fact(Timeout = 60000)]
    public async Task QuitAsync_ShutdownEvent_ClosedCompletes_QemuExits()
    {
        var (qemu, client) = await StartAndConnectAsync(QemuProcess.IdlePc);

        var shutdown = await client.WaitForEventAsync(e => e.Name == "SHUTDOWN", () => client.QuitAsync(), Timeout);

        Assert.Equal("""{"guest": false, "reason": "host-qmp-quit"}""", shutdown.Data.GetRawText());
        Assert.True(client.Closed.IsCompleted);
        // The channel ends (reading stops) once the connection has closed and its buffered events are read.
        var buffered = await client.Events.ReadAllAsync().ToListAsync().AsTask().WaitAsync(Timeout);
        Assert.Equal(["SHUTDOWN"], buffered.Select(e => e.Name));
        Assert.True(await qemu.WaitForExitAsync(Timeout), "QEMU did not exit after quit");
        Assert.Equal(0, qemu.Process.ExitCode);
        Assert.False(File.Exists(qemu.SocketPath), "QEMU left its socket behind after quit");
        var e = await Assert.ThrowsAsync<QmpException>(() => client.ExecuteAsync("query-status"));
        Assert.True(e.ConnectionClosed);
    }

    [Fact(Timeout = 60000)]
    public async Task ExecuteAsyncQuit_DoesNotThrow()
    {
        for (var i = 0; i < 3; i++)
        {
            var (qemu, client) = await StartAndConnectAsync(QemuProcess.NoMachine, "-S");

            var reply = await client.ExecuteAsync("quit");

            Assert.Equal(JsonValueKind.Object, reply.ValueKind);
            await client.Closed.WaitAsync(Timeout);
            Assert.True(await qemu.WaitForExitAsync(Timeout), "QEMU did not exit after quit");
        }
    }

    [Fact(Timeout = 60000)]
    public async Task Sigkill_PendingAndNextCommandsFail_ClosedCompletes()
    {
        var (qemu, client) = await StartAndConnectAsync(QemuProcess.NoMachine, "-S");
        await client.QueryStatusAsync();

        qemu.Signal("STOP"); // frozen: the next command is sent but never answered
        var pending = client.ExecuteAsync("query-status");
        var waiter = client.WaitForEventAsync(_ => true, Timeout);
        await Task.Delay(200);
        Assert.False(pending.IsCompleted);
        qemu.Process.Kill(); // SIGKILL

        var e = await Assert.ThrowsAsync<QmpException>(() => pending);
        Assert.True(e.ConnectionClosed);
        Assert.StartsWith("QMP connection closed (", e.Message);
        Assert.True((await Assert.ThrowsAsync<QmpException>(() => waiter)).ConnectionClosed);
        await client.Closed.WaitAsync(Timeout);
        await client.Events.Completion.WaitAsync(Timeout);
        var next = await Assert.ThrowsAsync<QmpException>(() => client.ExecuteAsync("query-status"));
        Assert.True(next.ConnectionClosed);

        // The socket file a killed QEMU leaves behind refuses connections (once the process is gone: while
        // the kernel tears it down, the listener may still accept and then drop a connection).
        Assert.True(await qemu.WaitForExitAsync(Timeout));
        Assert.True(File.Exists(qemu.SocketPath));
        var stale = await Assert.ThrowsAsync<QmpException>(() => QmpClient.ConnectAsync(qemu.SocketPath, TimeSpan.FromMilliseconds(300)));
        Assert.Equal(SocketError.ConnectionRefused, Assert.IsType<SocketException>(stale.InnerException).SocketErrorCode);
    }

    [Fact(Timeout = 60000)]
    public async Task DisposeAsync_LeavesQemuRunning_AndAllowsANewClient()
    {
        var (qemu, client) = await StartAndConnectAsync(QemuProcess.NoMachine, "-S");

        await client.DisposeAsync();
        Assert.Equal("client disposed", client.CloseReason);
        var again = await ConnectAsync(qemu);

        Assert.False(qemu.Process.HasExited);
        Assert.Equal(QmpRunState.Prelaunch, (await again.QueryStatusAsync()).Status);
    }

    [GeneratedRegex(@"QEMU emulator version (\d+\.\d+\.\d+)")]
    private static partial Regex VersionInBanner();
}
