using System.Buffers;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace OcciAgent.Hypervisor.Qemu.Qmp;

/// <summary>Sending a command and waiting for the reply with its id. The typed methods of the other parts
/// go through <see cref="ExecuteAsync{TArgs}"/> and <see cref="ReadReply{T}"/>.</summary>
public sealed partial class QmpClient
{
    /// <summary>Runs one QMP command and returns its <c>return</c> value (a standalone clone, valid after the
    /// connection closes). <paramref name="writeArguments"/>, when given, writes the <em>properties</em> of the
    /// <c>arguments</c> object: the writer is already inside <c>{</c>, e.g.
    /// <c>w => w.WriteString("device", "disk1")</c>. The agent itself uses the typed methods; this one is for
    /// commands that have none (operators, tests).
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
        return ExecuteCoreAsync(command, writeArguments is null ? null : w =>
        {
            w.WriteStartObject();
            writeArguments(w);
            w.WriteEndObject();
        }, ct);
    }

    /// <summary>Runs <paramref name="command"/> with <paramref name="arguments"/> serialised by the
    /// source-generated <paramref name="info"/>.</summary>
    private Task<JsonElement> ExecuteAsync<TArgs>(string command, TArgs arguments, JsonTypeInfo<TArgs> info, CancellationToken ct) =>
        ExecuteCoreAsync(command, w => JsonSerializer.Serialize(w, arguments, info), ct);

    /// <summary>Turns a <c>return</c> value into its reply record; a reply of another shape is a
    /// <see cref="QmpException"/> naming the command and quoting the reply.</summary>
    private static T ReadReply<T>(string command, JsonElement reply, JsonTypeInfo<T> info)
    {
        try
        {
            if (reply.Deserialize(info) is { } value)
                return value;
        }
        catch (JsonException e)
        {
            throw new QmpException($"unexpected {command} reply: {reply.GetRawText()}", e);
        }
        throw new QmpException($"unexpected {command} reply: {reply.GetRawText()}");
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

    /// <summary>One command line: <paramref name="writeArguments"/> writes the whole <c>arguments</c> value.</summary>
    private static ReadOnlyMemory<byte> Serialize(string command, Action<Utf8JsonWriter>? writeArguments, long id)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("execute", command);
            if (writeArguments is not null)
            {
                writer.WritePropertyName("arguments");
                // Utf8JsonWriter validates structure: a writer that wrote a bare value or closed too many
                // objects throws InvalidOperationException here, before anything is sent.
                writeArguments(writer);
            }
            writer.WriteNumber("id", id);
            writer.WriteEndObject();
        }
        buffer.Write("\r\n"u8);
        return buffer.WrittenMemory;
    }

    private sealed class Pending(string command)
    {
        public string Command { get; } = command;
        public bool IsQuit { get; } = command == "quit";
        public TaskCompletionSource<JsonElement> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
