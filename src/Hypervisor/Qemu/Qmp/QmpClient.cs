using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading.Channels;

namespace OcciAgent.Hypervisor.Qemu.Qmp;

/// <summary>A client for one QEMU QMP monitor on a unix socket (QEMU's <c>-qmp unix:PATH,server=on,wait=off</c>).
///
/// <para>Wire format (qemu docs "QEMU Machine Protocol Specification"): QEMU writes one JSON object per line,
/// ended by <c>\r\n</c> (the monitor must not use <c>pretty=on</c>). The first is the greeting
/// <c>{"QMP":{"version":..}}</c>; commands are accepted after <c>qmp_capabilities</c>. Every command we send
/// carries a numeric <c>"id"</c> that QEMU echoes in its <c>return</c> or <c>error</c> reply, so any number of
/// callers may run <see cref="ExecuteAsync"/> at the same time: writes go through one lock, and one background
/// reader matches replies to callers by id and delivers events.</para>
///
/// <para>QEMU sends an event caused by a command before that command's reply (<c>cont</c> gives
/// <c>RESUME</c> then <c>{"return":{}}</c>), so a caller that waits for such an event must register before it
/// sends the command: use <see cref="WaitForEventAsync(Func{QmpEvent, bool}, Func{Task}, TimeSpan, CancellationToken)"/>.</para>
///
/// <para>When the connection ends (QEMU exits or is killed, or the client is disposed), pending commands fail
/// with a <see cref="QmpException"/> whose <see cref="QmpException.ConnectionClosed"/> is true (except
/// <c>quit</c>, see <see cref="ExecuteAsync"/>), <see cref="Events"/> completes and <see cref="Closed"/>
/// completes. A closed client stays closed: make a new one to reconnect.</para>
///
/// <para>Only <see cref="Utf8JsonWriter"/> and <see cref="JsonDocument"/> are used: nothing here needs
/// reflection, so it works under native AOT.</para></summary>
public sealed class QmpClient : IAsyncDisposable
{
    /// <summary>The longest single message accepted from QEMU. <c>query-qmp-schema</c>, the biggest reply of
    /// QEMU 7.2, is about 200 KB; anything past this limit is treated as a broken peer.</summary>
    internal const int MaxMessageBytes = 16 << 20;

    private const int InitialBufferBytes = 16 << 10;
    private static readonly TimeSpan MaxConnectRetryDelay = TimeSpan.FromMilliseconds(100);
    private static readonly JsonElement EmptyObject = ParseStandalone("{}"u8);

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<long, Pending> _pending = new();
    private readonly Channel<QmpEvent> _events =
        Channel.CreateUnbounded<QmpEvent>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly List<EventWaiter> _waiters = [];
    private readonly TaskCompletionSource _greeting = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _reader;
    private long _nextId;
    private int _disposed;
    private volatile string? _closeReason;
    private string _qemuVersion = "";

    private QmpClient(Socket socket, string socketPath)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        SocketPath = socketPath;
        _reader = Task.Run(ReadLoopAsync);
    }

    /// <summary>The unix socket path this client connected to.</summary>
    public string SocketPath { get; }

    /// <summary>QEMU's version from the greeting, "major.minor.micro" (for example "7.2.22").</summary>
    public string QemuVersion => _qemuVersion;

    /// <summary>Every event QEMU sends after the connection is made, in arrival order. Unbounded: events that
    /// nobody reads stay buffered for the life of the client (QEMU sends few, but a long-lived client should
    /// read them). Writing ends when the connection closes; as with any channel, <c>Completion</c> then
    /// completes once the buffered events have been read.</summary>
    public ChannelReader<QmpEvent> Events => _events.Reader;

    /// <summary>Completes (never faults) when the connection has ended, whatever the cause.</summary>
    public Task Closed => _closed.Task;

    /// <summary>Why the connection ended ("QEMU closed the socket", "client disposed", ...); null while open.</summary>
    public string? CloseReason => _closeReason;

    /// <summary>Connects to the QMP socket at <paramref name="socketPath"/>, reads the greeting and negotiates
    /// capabilities (<c>qmp_capabilities</c>). QEMU creates the socket shortly after it starts, so a socket file
    /// that does not exist yet or refuses connections is retried until <paramref name="timeout"/>, which covers
    /// the whole handshake.</summary>
    /// <exception cref="QmpException">The timeout passed (the message names the socket and the stage that did
    /// not finish), or the connection closed during the handshake.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    public static async Task<QmpClient> ConnectAsync(string socketPath, TimeSpan timeout, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(socketPath);
        if (timeout != Timeout.InfiniteTimeSpan)
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        // Throws ArgumentOutOfRangeException for a path longer than sun_path (107 bytes): no point retrying.
        var endPoint = new UnixDomainSocketEndPoint(socketPath);

        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeoutCts.CancelAfter(timeout);

        var socket = await ConnectSocketAsync(endPoint, socketPath, timeout, timeoutCts.Token, ct).ConfigureAwait(false);
        var client = new QmpClient(socket, socketPath);
        var stage = "greeting";
        try
        {
            await client._greeting.Task.WaitAsync(timeoutCts.Token).ConfigureAwait(false);
            stage = "qmp_capabilities";
            await client.ExecuteAsync("qmp_capabilities", null, timeoutCts.Token).ConfigureAwait(false);
            return client;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw new QmpException(stage == "greeting"
                ? $"QMP socket '{socketPath}' accepted a connection but sent no greeting within {Describe(timeout)} (is another client connected to this monitor?)"
                : $"QMP socket '{socketPath}' did not answer qmp_capabilities within {Describe(timeout)}");
        }
        catch (QmpException e)
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw new QmpException($"QMP handshake on '{socketPath}' failed: {e.Message}", e);
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Runs one QMP command and returns its <c>return</c> value (a standalone clone, valid after the
    /// connection closes). <paramref name="writeArguments"/>, when given, writes the <em>properties</em> of the
    /// <c>arguments</c> object: the writer is already inside <c>{</c>, e.g.
    /// <c>w => w.WriteString("device", "disk1")</c>.
    ///
    /// <para><c>quit</c> is special: QEMU replies and then closes the socket, and a client may see the close
    /// first. For <c>quit</c> only, a connection that closes after the command was sent counts as success
    /// (the result is then an empty object). <see cref="QuitAsync"/> also waits for the close.</para>
    ///
    /// <para>Cancelling <paramref name="ct"/> stops the wait, not QEMU: a command already sent still runs and
    /// its reply is dropped.</para></summary>
    /// <exception cref="QmpException">QEMU answered with an error (<see cref="QmpException.Class"/>,
    /// <see cref="QmpException.Desc"/>), or the connection is or became closed
    /// (<see cref="QmpException.ConnectionClosed"/>).</exception>
    public Task<JsonElement> ExecuteAsync(string command, Action<Utf8JsonWriter>? writeArguments = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(command);
        return ExecuteCoreAsync(command, writeArguments, ct);
    }

    /// <summary>Sends <c>quit</c> and waits until QEMU has closed the QMP socket (it does so as it exits).
    /// Returns at once if the connection is already closed.</summary>
    public async Task QuitAsync(CancellationToken ct = default)
    {
        if (_closeReason is null)
        {
            try
            {
                await ExecuteAsync("quit", null, ct).ConfigureAwait(false);
            }
            catch (QmpException e) when (e.ConnectionClosed && Volatile.Read(ref _disposed) == 0)
            {
                // Closed before quit could be sent: QEMU is gone already, which is what quit asks for.
            }
        }
        await Closed.WaitAsync(ct).ConfigureAwait(false);
    }

    /// <summary><c>query-status</c>: the run state and whether vCPUs run.</summary>
    public async Task<QmpStatus> QueryStatusAsync(CancellationToken ct = default)
    {
        var reply = await ExecuteAsync("query-status", null, ct).ConfigureAwait(false);
        if (reply.ValueKind == JsonValueKind.Object
            && reply.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.String
            && reply.TryGetProperty("running", out var running) && running.ValueKind is JsonValueKind.True or JsonValueKind.False)
            return new QmpStatus(status.GetString()!, running.GetBoolean());
        throw new QmpException($"unexpected query-status reply: {reply.GetRawText()}");
    }

    /// <summary>Waits for the first event that satisfies <paramref name="match"/> and that arrives after this
    /// call. Events sent before the call are not seen, and QEMU sends the events a command causes before the
    /// command's reply: to wait for the effect of a command, use the overload that takes a trigger, or call this
    /// method (without awaiting) before sending the command. <paramref name="match"/> runs on the reader loop:
    /// keep it quick; if it throws, the wait fails with that exception.</summary>
    /// <exception cref="TimeoutException">No matching event within <paramref name="timeout"/>.</exception>
    /// <exception cref="QmpException">The connection closed first (<see cref="QmpException.ConnectionClosed"/>).</exception>
    public Task<QmpEvent> WaitForEventAsync(Func<QmpEvent, bool> match, TimeSpan timeout, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(match);
        var deadline = Deadline.Start(timeout);
        var waiter = AddWaiter(match);
        return AwaitWaiterAsync(waiter, deadline, ct);
    }

    /// <summary>Registers a wait for the first event that satisfies <paramref name="match"/>, then runs
    /// <paramref name="trigger"/> (typically <c>() => client.ExecuteAsync("cont")</c>) and waits for the event.
    /// No event can be missed between the two. <paramref name="timeout"/> counts from the call, trigger included.
    /// If the trigger throws, the wait is dropped and the exception propagates.</summary>
    /// <exception cref="TimeoutException">No matching event within <paramref name="timeout"/>.</exception>
    /// <exception cref="QmpException">The connection closed first (<see cref="QmpException.ConnectionClosed"/>),
    /// or the trigger failed with one.</exception>
    public async Task<QmpEvent> WaitForEventAsync(Func<QmpEvent, bool> match, Func<Task> trigger, TimeSpan timeout, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(match);
        ArgumentNullException.ThrowIfNull(trigger);
        var deadline = Deadline.Start(timeout);
        var waiter = AddWaiter(match);
        try
        {
            await trigger().ConfigureAwait(false);
        }
        catch
        {
            RemoveWaiter(waiter);
            throw;
        }
        return await AwaitWaiterAsync(waiter, deadline, ct).ConfigureAwait(false);
    }

    /// <summary>Closes the socket and waits for the reader to end. Pending commands fail with a
    /// <see cref="QmpException"/> (<see cref="QmpException.ConnectionClosed"/>). QEMU keeps running.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            try
            {
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Already closed by the peer or by the reader.
            }
            _stream.Dispose();
        }
        await _reader.ConfigureAwait(false);
    }

    private static async Task<Socket> ConnectSocketAsync(UnixDomainSocketEndPoint endPoint, string socketPath,
        TimeSpan timeout, CancellationToken timeoutToken, CancellationToken ct)
    {
        var delay = TimeSpan.FromMilliseconds(5);
        Exception? lastError = null;
        while (true)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(endPoint, timeoutToken).ConfigureAwait(false);
                return socket;
            }
            catch (SocketException e)
            {
                // ENOENT: QEMU has not created the socket yet; ECONNREFUSED: not listening yet, or a stale file
                // left by a QEMU that died. Both may resolve themselves, so retry until the timeout.
                socket.Dispose();
                lastError = e;
            }
            catch (OperationCanceledException)
            {
                socket.Dispose();
                ct.ThrowIfCancellationRequested();
                throw ConnectTimeout(socketPath, timeout, lastError);
            }

            try
            {
                await Task.Delay(delay, timeoutToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                ct.ThrowIfCancellationRequested();
                throw ConnectTimeout(socketPath, timeout, lastError);
            }
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxConnectRetryDelay.Ticks));
        }
    }

    private static QmpException ConnectTimeout(string socketPath, TimeSpan timeout, Exception? lastError)
    {
        // .NET reports a missing socket file (ENOENT) as "Cannot assign requested address"; say what it means.
        var why = !Path.Exists(socketPath) ? "the socket file does not exist"
            : lastError?.Message ?? "timed out";
        return new QmpException($"could not connect to QMP socket '{socketPath}' within {Describe(timeout)}: {why}", lastError);
    }

    private async Task<JsonElement> ExecuteCoreAsync(string command, Action<Utf8JsonWriter>? writeArguments, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        if (_closeReason is { } closedBefore)
            throw QmpException.Closed(command, closedBefore);

        var id = Interlocked.Increment(ref _nextId);
        // Serialised before registering: a throwing argument writer leaves nothing behind.
        var message = Serialize(command, writeArguments, id);
        var pending = new Pending(command);
        _pending[id] = pending;
        // The reader marks the client closed before it drains _pending; whichever side removes the entry
        // completes it, so a command registered during the close is never left waiting.
        if (_closeReason is { } closedNow && _pending.TryRemove(id, out _))
            throw QmpException.Closed(command, closedNow);

        try
        {
            await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _pending.TryRemove(id, out _);
            throw;
        }
        try
        {
            // Not cancellable: a half-written command would corrupt the stream for every other caller.
            await _stream.WriteAsync(message, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            if (_pending.TryRemove(id, out _))
            {
                if (pending.IsQuit && Volatile.Read(ref _disposed) == 0)
                    return EmptyObject;
                throw QmpException.Closed(command, _closeReason ?? e.Message, e);
            }
            // The reader completed it already (closed with a reason): fall through to its outcome.
        }
        finally
        {
            _writeLock.Release();
        }

        try
        {
            return await pending.Reply.Task.WaitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            _pending.TryRemove(id, out _);
            throw;
        }
    }

    private static ReadOnlyMemory<byte> Serialize(string command, Action<Utf8JsonWriter>? writeArguments, long id)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("execute", command);
            if (writeArguments is not null)
            {
                writer.WriteStartObject("arguments");
                writeArguments(writer);
                // Utf8JsonWriter validates structure: a writer that wrote a bare value or closed too many
                // objects throws InvalidOperationException here, before anything is sent.
                writer.WriteEndObject();
            }
            writer.WriteNumber("id", id);
            writer.WriteEndObject();
        }
        buffer.Write("\r\n"u8);
        return buffer.WrittenMemory;
    }

    private async Task ReadLoopAsync()
    {
        string reason = "QEMU closed the socket";
        Exception? error = null;
        var buffer = new byte[InitialBufferBytes];
        int start = 0, end = 0, scanned = 0; // unprocessed bytes are [start, end); [start, start+scanned) has no '\n'
        try
        {
            while (true)
            {
                if (end == buffer.Length)
                {
                    if (start > 0)
                    {
                        Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                        end -= start;
                        start = 0;
                    }
                    else if (buffer.Length >= MaxMessageBytes)
                    {
                        throw new InvalidDataException($"a QMP message is longer than {MaxMessageBytes} bytes");
                    }
                    else
                    {
                        Array.Resize(ref buffer, Math.Min(buffer.Length * 2, MaxMessageBytes));
                    }
                }

                var read = await _stream.ReadAsync(buffer.AsMemory(end)).ConfigureAwait(false);
                if (read == 0)
                    break;
                end += read;

                while (true)
                {
                    var newline = buffer.AsSpan(start + scanned, end - start - scanned).IndexOf((byte)'\n');
                    if (newline < 0)
                    {
                        scanned = end - start;
                        break;
                    }
                    var lineEnd = start + scanned + newline;
                    Dispatch(buffer.AsMemory(start, lineEnd - start));
                    start = lineEnd + 1;
                    scanned = 0;
                }
                if (start == end)
                {
                    start = end = 0;
                    if (buffer.Length > InitialBufferBytes)
                        buffer = new byte[InitialBufferBytes]; // let one huge reply's buffer go
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            error = e;
            reason = e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset }
                     || e is SocketException { SocketErrorCode: SocketError.ConnectionReset }
                ? "connection reset by QEMU"
                : e.Message;
        }
        catch (Exception e) when (e is JsonException or InvalidDataException)
        {
            error = e;
            reason = "QEMU sent invalid data: " + e.Message;
        }
        catch (Exception e)
        {
            // A bug here must not leave callers waiting forever.
            error = e;
            reason = "QMP reader failed: " + e.Message;
        }
        if (Volatile.Read(ref _disposed) == 1)
            reason = "client disposed";
        Close(reason, error);
    }

    private void Dispatch(ReadOnlyMemory<byte> line)
    {
        var span = line.Span;
        var length = span.Length;
        while (length > 0 && span[length - 1] is (byte)'\r' or (byte)' ' or (byte)'\t')
            length--;
        if (length == 0)
            return;

        using var document = JsonDocument.Parse(line[..length]);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"expected a JSON object, got {root.ValueKind}");

        if (root.TryGetProperty("event", out var name) && name.ValueKind == JsonValueKind.String)
            DeliverEvent(new QmpEvent(
                name.GetString()!,
                root.TryGetProperty("data", out var data) ? data.Clone() : EmptyObject,
                ParseTimestamp(root)));
        else if (root.TryGetProperty("return", out var value))
            CompleteReply(root, pending => pending.Reply.TrySetResult(value.Clone()));
        else if (root.TryGetProperty("error", out var error))
            CompleteReply(root, pending => pending.Reply.TrySetException(new QmpException(
                pending.Command, StringOrEmpty(error, "class"), StringOrEmpty(error, "desc"))));
        else if (root.TryGetProperty("QMP", out var greeting))
            AcceptGreeting(greeting);
        // Anything else is a message type this client does not know: ignored, as the spec asks of clients.
    }

    private void CompleteReply(JsonElement root, Action<Pending> complete)
    {
        // Every command we send has a numeric id. A reply without one answers input QEMU could not parse,
        // which Utf8JsonWriter never produces; it cannot be matched to a caller and is dropped.
        if (root.TryGetProperty("id", out var idElement)
            && idElement.ValueKind == JsonValueKind.Number
            && idElement.TryGetInt64(out var id)
            && _pending.TryRemove(id, out var pending))
            complete(pending);
    }

    private void AcceptGreeting(JsonElement greeting)
    {
        if (greeting.ValueKind == JsonValueKind.Object
            && greeting.TryGetProperty("version", out var version) && version.ValueKind == JsonValueKind.Object
            && version.TryGetProperty("qemu", out var qemu) && qemu.ValueKind == JsonValueKind.Object)
            _qemuVersion = string.Join('.', new[] { "major", "minor", "micro" }.Select(part =>
                qemu.TryGetProperty(part, out var n) && n.TryGetInt32(out var number)
                    ? number.ToString(CultureInfo.InvariantCulture)
                    : "0"));
        _greeting.TrySetResult();
    }

    private void DeliverEvent(QmpEvent qmpEvent)
    {
        _events.Writer.TryWrite(qmpEvent);
        lock (_waiters)
        {
            for (var i = 0; i < _waiters.Count; i++)
            {
                var waiter = _waiters[i];
                bool matched;
                try
                {
                    matched = waiter.Match(qmpEvent);
                }
                catch (Exception e)
                {
                    waiter.Result.TrySetException(e);
                    matched = true;
                }
                if (matched)
                {
                    waiter.Result.TrySetResult(qmpEvent);
                    _waiters.RemoveAt(i--);
                }
            }
        }
    }

    private EventWaiter AddWaiter(Func<QmpEvent, bool> match)
    {
        var waiter = new EventWaiter(match);
        lock (_waiters)
        {
            if (_closeReason is { } reason)
                waiter.Result.TrySetException(QmpException.Closed(null, reason));
            else
                _waiters.Add(waiter);
        }
        return waiter;
    }

    private void RemoveWaiter(EventWaiter waiter)
    {
        lock (_waiters)
            _waiters.Remove(waiter);
    }

    private async Task<QmpEvent> AwaitWaiterAsync(EventWaiter waiter, Deadline deadline, CancellationToken ct)
    {
        try
        {
            return deadline.Infinite
                ? await waiter.Result.Task.WaitAsync(ct).ConfigureAwait(false)
                : await waiter.Result.Task.WaitAsync(deadline.Remaining, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            RemoveWaiter(waiter);
            throw new TimeoutException($"no matching QMP event on '{SocketPath}' within {Describe(deadline.Timeout)}");
        }
        catch (OperationCanceledException)
        {
            RemoveWaiter(waiter);
            throw;
        }
    }

    private void Close(string reason, Exception? error)
    {
        _closeReason = reason;
        _stream.Dispose();
        foreach (var id in _pending.Keys)
        {
            if (!_pending.TryRemove(id, out var pending))
                continue;
            if (pending.IsQuit && reason != "client disposed")
                pending.Reply.TrySetResult(EmptyObject);
            else
                pending.Reply.TrySetException(QmpException.Closed(pending.Command, reason, error));
        }
        _greeting.TrySetException(QmpException.Closed(null, reason, error));
        _ = _greeting.Task.Exception; // observed: only ConnectAsync awaits it
        lock (_waiters)
        {
            foreach (var waiter in _waiters)
                waiter.Result.TrySetException(QmpException.Closed(null, reason + ", before a matching event arrived", error));
            _waiters.Clear();
        }
        _events.Writer.TryComplete();
        _closed.TrySetResult();
    }

    private static DateTimeOffset ParseTimestamp(JsonElement root)
    {
        if (root.TryGetProperty("timestamp", out var timestamp) && timestamp.ValueKind == JsonValueKind.Object
            && timestamp.TryGetProperty("seconds", out var s) && s.TryGetInt64(out var seconds)
            && timestamp.TryGetProperty("microseconds", out var us) && us.TryGetInt64(out var microseconds)
            && seconds >= 0 && seconds < 253402300799 && microseconds is >= 0 and < 1_000_000)
            return DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(microseconds * TimeSpan.TicksPerMicrosecond);
        // QEMU reports -1/-1 when its clock cannot be read; fall back to our receive time.
        return DateTimeOffset.UtcNow;
    }

    private static string StringOrEmpty(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : "";

    private static JsonElement ParseStandalone(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        return JsonElement.ParseValue(ref reader);
    }

    private static string Describe(TimeSpan timeout) =>
        timeout == Timeout.InfiniteTimeSpan
            ? "infinite time"
            : timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";

    private sealed class Pending(string command)
    {
        public string Command { get; } = command;
        public bool IsQuit { get; } = command == "quit";
        public TaskCompletionSource<JsonElement> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class EventWaiter(Func<QmpEvent, bool> match)
    {
        public Func<QmpEvent, bool> Match { get; } = match;
        public TaskCompletionSource<QmpEvent> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private readonly struct Deadline
    {
        private readonly long _started;

        private Deadline(TimeSpan timeout)
        {
            Timeout = timeout;
            _started = Stopwatch.GetTimestamp();
        }

        public TimeSpan Timeout { get; }
        public bool Infinite => Timeout == System.Threading.Timeout.InfiniteTimeSpan;
        public TimeSpan Remaining
        {
            get
            {
                var left = Timeout - Stopwatch.GetElapsedTime(_started);
                return left > TimeSpan.Zero ? left : TimeSpan.Zero;
            }
        }

        public static Deadline Start(TimeSpan timeout)
        {
            if (timeout != System.Threading.Timeout.InfiniteTimeSpan)
                ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
            return new Deadline(timeout);
        }
    }
}
