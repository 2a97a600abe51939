using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;

namespace OcciAgent.Hypervisor.Qemu.Qmp;

/// <summary>The one background reader: splits QEMU's output into lines, hands replies to the callers waiting
/// for their id, events to <see cref="Events"/> and the waiters, and closes the client when the stream ends.</summary>
public sealed partial class QmpClient
{
    private const int InitialBufferBytes = 16 << 10;

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
}
