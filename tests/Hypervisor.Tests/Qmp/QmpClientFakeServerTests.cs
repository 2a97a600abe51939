using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using OcciAgent.Hypervisor.Qemu.Qmp;

namespace OcciAgent.Hypervisor.Tests.Qmp;

/// <summary>The client against a scripted peer: framing, matching and failure paths that real QEMU
/// cannot be made to produce on demand.</summary>
[Trait("Category", "Integration")]
public sealed class QmpClientFakeServerTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly FakeQmpServer _server = new();
    private QmpClient? _client;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_client is not null)
            await _client.DisposeAsync();
        _server.Dispose();
    }

    private async Task<(QmpClient Client, FakeQmpConnection Server)> ConnectAsync()
    {
        var connecting = QmpClient.ConnectAsync(_server.SocketPath, Timeout);
        var connection = await _server.AcceptAsync();
        _client = await connecting;
        return (_client, connection);
    }

    [Fact(Timeout = 30000)]
    public async Task Connect_Handshake_ReadsVersionAndSendsCapabilities()
    {
        var connecting = QmpClient.ConnectAsync(_server.SocketPath, Timeout);
        var server = await _server.AcceptAsync(handshake: false);
        await server.SendAsync(FakeQmpServer.Greeting);
        var capabilities = await server.ReadCommandAsync();
        Assert.False(connecting.IsCompleted, "connected before qmp_capabilities was answered");
        await server.ReplyAsync(capabilities.Id, "{}");
        _client = await connecting;

        Assert.Equal("qmp_capabilities", capabilities.Execute);
        Assert.Null(capabilities.Arguments);
        Assert.Equal("7.2.22", _client.QemuVersion);
        Assert.Equal(_server.SocketPath, _client.SocketPath);
        Assert.Null(_client.CloseReason);
    }

    [Fact(Timeout = 30000)]
    public async Task ExecuteAsync_Arguments_AreWrittenInsideArgumentsObject()
    {
        var (client, server) = await ConnectAsync();

        var running = client.ExecuteAsync("device_del", w =>
        {
            w.WriteString("id", "disk \"1\" é");
            w.WriteNumber("n", 3);
        });
        var command = await server.ReadCommandAsync();
        await server.ReplyAsync(command.Id, "{}");
        await running;

        Assert.Equal("device_del", command.Execute);
        Assert.Equal("disk \"1\" é", command.Arguments!.Value.GetProperty("id").GetString());
        Assert.Equal(3, command.Arguments.Value.GetProperty("n").GetInt32());
    }

    [Fact(Timeout = 30000)]
    public async Task ExecuteAsync_ArgumentWriterWritesBareValue_ThrowsAndSendsNothing()
    {
        var (client, server) = await ConnectAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => client.ExecuteAsync("x", w => w.WriteStringValue("oops")));
        var next = client.ExecuteAsync("query-status");
        var command = await server.ReadCommandAsync();
        await server.ReplyAsync(command.Id, """{"status": "running", "singlestep": false, "running": true}""");

        Assert.Equal("query-status", command.Execute);
        Assert.Equal("running", (await next).GetProperty("status").GetString());
    }

    [Fact(Timeout = 30000)]
    public async Task ExecuteAsync_ReplySplitAcrossReads_IsReassembled()
    {
        var (client, server) = await ConnectAsync();

        var running = client.ExecuteAsync("human-monitor-command");
        var command = await server.ReadCommandAsync();
        var reply = Encoding.UTF8.GetBytes($$"""{"return": "caf€ ok", "id": {{command.Id}}}""" + "\r\n");
        var euro = Array.IndexOf(reply, (byte)0xE2);
        // Cut inside the multi-byte '€', then between '\r' and '\n'.
        int[] cuts = [0, 5, euro + 1, reply.Length - 1, reply.Length];
        for (var i = 0; i + 1 < cuts.Length; i++)
        {
            await server.SendAsync(reply[cuts[i]..cuts[i + 1]]);
            await Task.Delay(50);
            if (i + 2 < cuts.Length)
                Assert.False(running.IsCompleted, $"completed after {cuts[i + 1]} of {reply.Length} bytes");
        }

        Assert.Equal("caf€ ok", (await running).GetString());
    }

    [Fact(Timeout = 30000)]
    public async Task ExecuteAsync_TwoRepliesInOneRead_EachCallerGetsItsOwn()
    {
        var (client, server) = await ConnectAsync();

        var first = client.ExecuteAsync("first");
        var second = client.ExecuteAsync("second");
        var a = await server.ReadCommandAsync();
        var b = await server.ReadCommandAsync();
        // Both replies in one write, in the opposite order, the second one an error.
        await server.SendAsync(
            $$$"""{"id": {{{b.Id}}}, "error": {"class": "GenericError", "desc": "no"}}""" + "\r\n" +
            $$$"""{"return": {"who": "{{{a.Execute}}}"}, "id": {{{a.Id}}}}""" + "\r\n");

        Assert.NotEqual(a.Id, b.Id);
        var reply = await first;
        var error = await Assert.ThrowsAsync<QmpException>(() => second);
        Assert.Equal(a.Execute, reply.GetProperty("who").GetString());
        Assert.Equal(b.Execute, error.Command);
        Assert.Equal("GenericError", error.Class);
        Assert.Equal("no", error.Desc);
        Assert.Equal($"QMP {b.Execute} failed: GenericError: no", error.Message);
        Assert.False(error.ConnectionClosed);
    }

    [Fact(Timeout = 30000)]
    public async Task Event_InterleavedBeforeReply_IsDeliveredToWaiterAndChannel()
    {
        var (client, server) = await ConnectAsync();

        var waited = client.WaitForEventAsync(e => e.Name == "RESUME", async () =>
        {
            var running = client.ExecuteAsync("cont");
            var command = await server.ReadCommandAsync();
            // As QEMU does: the event the command caused, then its reply, in one write.
            await server.SendAsync(
                """{"timestamp": {"seconds": 1700000000, "microseconds": 250}, "event": "RESUME"}""" + "\r\n" +
                $$"""{"return": {}, "id": {{command.Id}}}""" + "\r\n");
            await running;
        }, Timeout);
        var resume = await waited;

        Assert.Equal("RESUME", resume.Name);
        Assert.Equal(JsonValueKind.Object, resume.Data.ValueKind);
        Assert.Empty(resume.Data.EnumerateObject());
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000).AddTicks(2500), resume.Timestamp);
        Assert.True(client.Events.TryRead(out var queued));
        Assert.Same(resume, queued);
    }

    [Fact(Timeout = 30000)]
    public async Task Event_WithData_DataOutlivesTheMessage()
    {
        var (client, server) = await ConnectAsync();

        await server.SendAsync(
            """{"timestamp": {"seconds": 1, "microseconds": 2}, "event": "DEVICE_DELETED", "data": {"device": "disk1", "path": "/machine/peripheral/disk1"}}""" + "\r\n" +
            """{"timestamp": {"seconds": 1, "microseconds": 3}, "event": "STOP"}""" + "\r\n");
        var deleted = await client.Events.ReadAsync().AsTask().WaitAsync(Timeout);
        var stop = await client.Events.ReadAsync().AsTask().WaitAsync(Timeout);

        Assert.Equal("DEVICE_DELETED", deleted.Name);
        Assert.Equal("disk1", deleted.Data.GetProperty("device").GetString());
        Assert.Equal("STOP", stop.Name);
    }

    [Fact(Timeout = 30000)]
    public async Task WaitForEventAsync_OnlySeesEventsAfterTheCall()
    {
        var (client, server) = await ConnectAsync();
        await server.SendAsync("""{"timestamp": {"seconds": 1, "microseconds": 0}, "event": "STOP"}""" + "\r\n");
        await client.Events.ReadAsync().AsTask().WaitAsync(Timeout); // the first STOP has been processed

        var waiting = client.WaitForEventAsync(e => e.Name == "STOP", Timeout);
        Assert.False(waiting.IsCompleted);
        await server.SendAsync("""{"timestamp": {"seconds": 2, "microseconds": 0}, "event": "STOP"}""" + "\r\n");

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(2), (await waiting).Timestamp);
    }

    [Fact(Timeout = 30000)]
    public async Task WaitForEventAsync_NoEvent_ThrowsTimeoutAndIsRemoved()
    {
        var (client, server) = await ConnectAsync();

        var e = await Assert.ThrowsAsync<TimeoutException>(() =>
            client.WaitForEventAsync(ev => ev.Name == "SHUTDOWN", TimeSpan.FromMilliseconds(200)));
        await server.SendAsync("""{"timestamp": {"seconds": 1, "microseconds": 0}, "event": "SHUTDOWN"}""" + "\r\n");
        await client.Events.ReadAsync().AsTask().WaitAsync(Timeout);

        Assert.Contains("no matching QMP event", e.Message);
    }

    [Fact(Timeout = 30000)]
    public async Task WaitForEventAsync_TriggerThrows_PropagatesTriggerException()
    {
        var (client, _) = await ConnectAsync();

        await Assert.ThrowsAsync<ArithmeticException>(() =>
            client.WaitForEventAsync(_ => true, () => throw new ArithmeticException(), Timeout));
    }

    [Fact(Timeout = 30000)]
    public async Task LargeReply_LargerThanTheReadBuffer_ThenSmallReply()
    {
        var (client, server) = await ConnectAsync();
        var big = new string('x', 1 << 20);

        var first = client.ExecuteAsync("query-big");
        var a = await server.ReadCommandAsync();
        await server.SendAsync($$"""{"return": {"blob": "{{big}}"}, "id": {{a.Id}}}""" + "\r\n");
        Assert.Equal(big, (await first).GetProperty("blob").GetString());

        var second = client.ExecuteAsync("query-small");
        var b = await server.ReadCommandAsync();
        await server.ReplyAsync(b.Id, "[1, 2]");
        Assert.Equal(2, (await second).GetArrayLength());
    }

    [Fact(Timeout = 30000)]
    public async Task UnknownMessagesAndIdlessErrors_AreIgnored()
    {
        var (client, server) = await ConnectAsync();

        var running = client.ExecuteAsync("query-name");
        var command = await server.ReadCommandAsync();
        await server.SendAsync(
            """{"error": {"class": "GenericError", "desc": "JSON parse error"}}""" + "\r\n" +
            """{"something": "new"}""" + "\r\n\r\n" +
            $$"""{"return": {"name": "vm"}, "id": {{command.Id}}}""" + "\r\n");

        Assert.Equal("vm", (await running).GetProperty("name").GetString());
    }

    [Fact(Timeout = 30000)]
    public async Task ServerCloses_PendingFails_ClosedAndEventsComplete()
    {
        var (client, server) = await ConnectAsync();

        var pending = client.ExecuteAsync("query-status");
        var waiter = client.WaitForEventAsync(_ => true, Timeout);
        await server.ReadCommandAsync();
        server.Close();

        var e = await Assert.ThrowsAsync<QmpException>(() => pending);
        Assert.True(e.ConnectionClosed);
        Assert.Null(e.Class);
        Assert.StartsWith("QMP connection closed (QEMU closed the socket) before query-status got a reply", e.Message);
        Assert.True((await Assert.ThrowsAsync<QmpException>(() => waiter)).ConnectionClosed);
        await client.Closed.WaitAsync(Timeout);
        await client.Events.Completion.WaitAsync(Timeout);
        Assert.Equal("QEMU closed the socket", client.CloseReason);

        var next = await Assert.ThrowsAsync<QmpException>(() => client.ExecuteAsync("query-status"));
        Assert.True(next.ConnectionClosed);
        Assert.True((await Assert.ThrowsAsync<QmpException>(() => client.WaitForEventAsync(_ => true, Timeout))).ConnectionClosed);
    }

    [Fact(Timeout = 30000)]
    public async Task Quit_ServerClosesWithoutReply_Succeeds()
    {
        var (client, server) = await ConnectAsync();

        var quitting = client.ExecuteAsync("quit");
        Assert.Equal("quit", (await server.ReadCommandAsync()).Execute);
        server.Close();

        Assert.Equal(JsonValueKind.Object, (await quitting).ValueKind);
        await client.Closed.WaitAsync(Timeout);
    }

    [Fact(Timeout = 30000)]
    public async Task QuitAsync_ServerRepliesThenCloses_ReturnsAfterClose()
    {
        var (client, server) = await ConnectAsync();

        var quitting = client.QuitAsync();
        var command = await server.ReadCommandAsync();
        await server.ReplyAsync(command.Id, "{}");
        await Task.Delay(100);
        Assert.False(quitting.IsCompleted, "QuitAsync returned before the socket closed");
        server.Close();

        await quitting.WaitAsync(Timeout);
        Assert.True(client.Closed.IsCompleted);
    }

    [Fact(Timeout = 30000)]
    public async Task InvalidJson_ClosesTheConnection()
    {
        var (client, server) = await ConnectAsync();

        var pending = client.ExecuteAsync("query-status");
        await server.ReadCommandAsync();
        await server.SendAsync("{\"return\": oops}\r\n");

        var e = await Assert.ThrowsAsync<QmpException>(() => pending);
        Assert.True(e.ConnectionClosed);
        Assert.StartsWith("QEMU sent invalid data:", client.CloseReason);
    }

    [Fact(Timeout = 30000)]
    public async Task Cancel_DropsTheLateReply_NextCommandWorks()
    {
        var (client, server) = await ConnectAsync();
        using var cts = new CancellationTokenSource();

        var cancelled = client.ExecuteAsync("slow", null, cts.Token);
        var slow = await server.ReadCommandAsync();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        var next = client.ExecuteAsync("fast");
        var fast = await server.ReadCommandAsync();
        await server.SendAsync(
            $$"""{"return": "late", "id": {{slow.Id}}}""" + "\r\n" +
            $$"""{"return": "fast", "id": {{fast.Id}}}""" + "\r\n");

        Assert.Equal("fast", (await next).GetString());
    }

    [Fact(Timeout = 30000)]
    public async Task DisposeAsync_PendingCommandFails()
    {
        var (client, server) = await ConnectAsync();

        var pending = client.ExecuteAsync("query-status");
        var quit = client.ExecuteAsync("quit");
        await server.ReadCommandAsync();
        await server.ReadCommandAsync();
        await client.DisposeAsync();

        var e = await Assert.ThrowsAsync<QmpException>(() => pending);
        Assert.True(e.ConnectionClosed);
        Assert.Contains("client disposed", e.Message);
        // A quit that was never answered is not reported as done when we closed the socket ourselves.
        Assert.True((await Assert.ThrowsAsync<QmpException>(() => quit)).ConnectionClosed);
        Assert.True(client.Closed.IsCompleted);
        Assert.Equal("client disposed", client.CloseReason);
        await client.DisposeAsync(); // idempotent
    }

    [Fact(Timeout = 30000)]
    public async Task Connect_NoGreeting_TimesOutNamingTheSocket()
    {
        var connecting = QmpClient.ConnectAsync(_server.SocketPath, TimeSpan.FromMilliseconds(300));
        await _server.AcceptAsync(handshake: false);

        var e = await Assert.ThrowsAsync<QmpException>(() => connecting);
        Assert.Equal($"QMP socket '{_server.SocketPath}' accepted a connection but sent no greeting within 0.3 s (is another client connected to this monitor?)", e.Message);
    }

    [Fact(Timeout = 30000)]
    public async Task Connect_ServerClosesDuringHandshake_ThrowsNamingTheSocket()
    {
        var connecting = QmpClient.ConnectAsync(_server.SocketPath, Timeout);
        var server = await _server.AcceptAsync(handshake: false);
        await server.SendAsync(FakeQmpServer.Greeting);
        await server.ReadCommandAsync();
        server.Close();

        var e = await Assert.ThrowsAsync<QmpException>(() => connecting);
        Assert.StartsWith($"QMP handshake on '{_server.SocketPath}' failed: QMP connection closed", e.Message);
    }

    [Fact(Timeout = 30000)]
    public async Task Connect_StaleSocketFile_TimesOutWithRefusal()
    {
        using var temp = new Volumes.TempDirectory();
        var path = temp.File("stale.sock");
        // Bound but never listening, like the file a killed QEMU leaves behind: ECONNREFUSED. (Disposing a
        // bound socket makes .NET unlink the file, so it stays open for the test.)
        using var bound = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        bound.Bind(new UnixDomainSocketEndPoint(path));

        var e = await Assert.ThrowsAsync<QmpException>(() => QmpClient.ConnectAsync(path, TimeSpan.FromMilliseconds(300)));

        Assert.StartsWith($"could not connect to QMP socket '{path}' within 0.3 s: ", e.Message);
        Assert.Equal(SocketError.ConnectionRefused, Assert.IsType<SocketException>(e.InnerException).SocketErrorCode);
    }

    [Fact(Timeout = 30000)]
    public async Task Connect_Cancelled_ThrowsOperationCanceled()
    {
        using var temp = new Volumes.TempDirectory();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            QmpClient.ConnectAsync(temp.File("none.sock"), Timeout, cts.Token));
    }
}
