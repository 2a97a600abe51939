using System.Collections.Concurrent;
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
/// callers may run commands at the same time: writes go through one lock, and one background reader matches
/// replies to callers by id and delivers events.</para>
///
/// <para>The parts, one file each: connecting and the handshake (QmpClient.Connect.cs), sending a command and
/// waiting for its reply (QmpClient.Execute.cs), the reader loop (QmpClient.Reader.cs), waiting for events
/// (QmpClient.Events.cs), and one typed method per command the agent uses, by group (QmpClient.RunState.cs,
/// QmpClient.Block.cs, QmpClient.Devices.cs, QmpClient.Jobs.cs) with their argument and reply records
/// serialised by the source-generated <see cref="QmpJson"/>.</para>
///
/// <para>When the connection ends (QEMU exits or is killed, or the client is disposed), pending commands fail
/// with a <see cref="QmpException"/> whose <see cref="QmpException.ConnectionClosed"/> is true (except
/// <c>quit</c>, see <see cref="ExecuteAsync"/>), <see cref="Events"/> completes and <see cref="Closed"/>
/// completes. A closed client stays closed: make a new one to reconnect.</para>
///
/// <para>Nothing here uses reflection (<see cref="Utf8JsonWriter"/>, <see cref="JsonDocument"/> and
/// source-generated serialisers only), so it works under native AOT.</para></summary>
public sealed partial class QmpClient : IAsyncDisposable
{
    /// <summary>The longest single message accepted from QEMU. <c>query-qmp-schema</c>, the biggest reply of
    /// QEMU 7.2, is about 200 KB; anything past this limit is treated as a broken peer.</summary>
    internal const int MaxMessageBytes = 16 << 20;

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

    private static JsonElement ParseStandalone(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        return JsonElement.ParseValue(ref reader);
    }

    private static string Describe(TimeSpan timeout) =>
        timeout == Timeout.InfiniteTimeSpan
            ? "infinite time"
            : timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";
}
