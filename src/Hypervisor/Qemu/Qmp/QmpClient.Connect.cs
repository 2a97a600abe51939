using System.Net.Sockets;

namespace OcciAgent.Hypervisor.Qemu.Qmp;

/// <summary>Connecting to the monitor socket and the QMP handshake (greeting, then <c>qmp_capabilities</c>).</summary>
public sealed partial class QmpClient
{
    private static readonly TimeSpan MaxConnectRetryDelay = TimeSpan.FromMilliseconds(100);

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
}
