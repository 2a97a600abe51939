using System.Net.Sockets;

namespace OcciAgent.Hypervisor.Vm;

/// <summary>Keeps a VM's serial output in a bounded log: the agent connects to
/// QEMU's serial chardev socket and appends what arrives to <c>console.log</c>; when that file
/// reaches half the bound it becomes <c>console.log.1</c>, so the two never exceed the bound.
/// QEMU's socket is <c>wait=off</c>: while the agent is away, output is dropped, never blocked.</summary>
public sealed class SerialConsole : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly string _log;
    private readonly long _half;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _send = new(1, 1);

    private SerialConsole(Socket socket, string log, long maxBytes)
    {
        _socket = socket;
        _log = log;
        _half = Math.Max(4096, maxBytes / 2);
        Completion = Task.Run(PumpAsync);
    }

    /// <summary>Ends when QEMU closes the console (it exited) or on dispose.</summary>
    public Task Completion { get; }

    public static async Task<SerialConsole> ConnectAsync(string socketPath, string logPath, long maxBytes, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await s.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct).ConfigureAwait(false);
                return new SerialConsole(s, logPath, maxBytes);
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                s.Dispose();
                await Task.Delay(20, ct).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                s.Dispose();
                throw new VmException(VmErrorKind.Failed, $"cannot connect to the serial console {socketPath}: {e.Message}", e);
            }
        }
    }

    /// <summary>Types into the guest's serial console.</summary>
    public async Task SendAsync(ReadOnlyMemory<byte> input, CancellationToken ct)
    {
        await _send.WaitAsync(ct).ConfigureAwait(false);
        try { await _socket.SendAsync(input, SocketFlags.None, ct).ConfigureAwait(false); }
        catch (SocketException e) { throw new VmException(VmErrorKind.Conflict, $"the serial console is closed: {e.Message}", e); }
        finally { _send.Release(); }
    }

    private async Task PumpAsync()
    {
        var buffer = new byte[16 * 1024];
        FileStream? file = null;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var n = await _socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token).ConfigureAwait(false);
                if (n == 0) break;
                file ??= OpenLog();
                // Split a chunk at the rotation point so neither file ever exceeds half the bound.
                for (var written = 0; written < n;)
                {
                    if (file.Length >= _half)
                    {
                        await file.DisposeAsync().ConfigureAwait(false);
                        File.Move(_log, _log + ".1", overwrite: true);
                        file = OpenLog();
                    }
                    var part = (int)Math.Min(n - written, _half - file.Length);
                    await file.WriteAsync(buffer.AsMemory(written, part)).ConfigureAwait(false);
                    written += part;
                }
                await file.FlushAsync().ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // QEMU went away or we were disposed: the log keeps what arrived.
        }
        finally
        {
            if (file is not null) await file.DisposeAsync().ConfigureAwait(false);
        }
    }

    private FileStream OpenLog() =>
        new(_log, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);

    /// <summary>The last <paramref name="maxBytes"/> of the log (older part first).</summary>
    public static byte[] ReadLog(string logPath, long maxBytes)
    {
        using var all = new MemoryStream();
        foreach (var f in new[] { logPath + ".1", logPath })
        {
            try
            {
                using var s = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                s.CopyTo(all);
            }
            catch (FileNotFoundException) { }
            catch (DirectoryNotFoundException) { }
        }
        var skip = (int)Math.Max(0, all.Length - maxBytes);
        return all.GetBuffer().AsSpan(skip, (int)all.Length - skip).ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        await Completion.ConfigureAwait(false);
        _stop.Dispose();
    }
}
