using System.Net.Sockets;
using System.Text;
using OcciAgent.Hypervisor.Vm;

namespace OcciAgent.Hypervisor.Systemd;

/// <summary>Tells when a QEMU started in the foreground (no <c>-daemonize</c>) is initialised,
/// the point where a daemonising QEMU's first process would exit: QEMU greets a QMP client only
/// from its main loop, after every device and disk is set up; a QEMU that fails earlier closes
/// the connection instead. The same connection gives QEMU's PID in our namespace (SO_PEERCRED).
/// <para>Waiting is event-driven: inotify (FileSystemWatcher) for the socket file, and the
/// caller's unit watch for QEMU ending before it made one.</para></summary>
internal sealed class QemuReadiness : IDisposable
{
    private readonly string _socketPath;
    private readonly FileSystemWatcher _watcher;
    private readonly TaskCompletionSource _appeared = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Starts watching for the socket; create this before the process is started.</summary>
    public QemuReadiness(string socketPath)
    {
        _socketPath = socketPath;
        var dir = Path.GetDirectoryName(socketPath)!;
        var name = Path.GetFileName(socketPath);
        _watcher = new FileSystemWatcher(dir, name) { NotifyFilter = NotifyFilters.FileName, IncludeSubdirectories = false };
        _watcher.Created += (_, _) => _appeared.TrySetResult();
        _watcher.Renamed += (_, e) => { if (e.Name == name) _appeared.TrySetResult(); };
        _watcher.EnableRaisingEvents = true;
        // Created before the watch took effect: inotify would not report it.
        if (File.Exists(socketPath)) _appeared.TrySetResult();
    }

    /// <summary>The outcome: QEMU's PID once it greets, or null when it ended first (then the
    /// reason is in its output and in the unit's state).</summary>
    public async Task<int?> WaitAsync(Task processEnded, TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        var deadline = Task.Delay(Timeout.Infinite, cts.Token);
        var first = await Task.WhenAny(_appeared.Task, processEnded, deadline).ConfigureAwait(false);
        if (first == processEnded && !_appeared.Task.IsCompleted) return null;
        ct.ThrowIfCancellationRequested();
        if (first == deadline) throw new TimeoutException($"QEMU did not create {_socketPath} within {timeout.TotalSeconds:0.#} s");
        Socket? connected;
        try
        {
            connected = await ConnectAsync(processEnded, cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"QEMU did not accept a connection on {_socketPath} within {timeout.TotalSeconds:0.#} s");
        }
        if (connected is null) return null;
        using var s = connected;
        var pid = ProcessInfo.PeerPid(s);
        try
        {
            return await ReadGreetingAsync(s, cts.Token).ConfigureAwait(false) ? pid : null;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"QEMU (pid {pid}) accepted a connection on {_socketPath} but sent no QMP greeting within {timeout.TotalSeconds:0.#} s");
        }
    }

    /// <summary>Connects to the socket, or returns null once the process has ended. inotify
    /// reports the socket file at bind(), a moment before QEMU's listen(): a refused connection
    /// is retried after 1, 2, 4 ... (at most 50) ms. That short retry is the only poll here,
    /// because nothing signals "now listening"; it ends as soon as the unit ends.</summary>
    private async Task<Socket?> ConnectAsync(Task processEnded, CancellationToken ct)
    {
        var delay = 1;
        while (true)
        {
            var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await s.ConnectAsync(new UnixDomainSocketEndPoint(_socketPath), ct).ConfigureAwait(false);
                return s;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionRefused or SocketError.AddressNotAvailable)
            {
                s.Dispose();
            }
            catch
            {
                s.Dispose();
                throw;
            }
            if (processEnded.IsCompleted) return null;
            await Task.WhenAny(processEnded, Task.Delay(delay, ct)).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            delay = Math.Min(delay * 2, 50);
        }
    }

    /// <summary>True once a line starting with {"QMP" arrives; false on end of stream.</summary>
    private static async Task<bool> ReadGreetingAsync(Socket s, CancellationToken ct)
    {
        var buf = new byte[4096];
        var got = new StringBuilder();
        while (true)
        {
            int n;
            try { n = await s.ReceiveAsync(buf, SocketFlags.None, ct).ConfigureAwait(false); }
            catch (SocketException) { return false; }
            if (n == 0) return false;
            got.Append(Encoding.UTF8.GetString(buf, 0, n));
            if (got.ToString().Contains('\n')) return got.ToString().TrimStart().StartsWith("{\"QMP\"", StringComparison.Ordinal);
        }
    }

    public void Dispose() => _watcher.Dispose();
}
