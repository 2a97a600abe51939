using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace OcciAgent.Hypervisor.Tests.Qmp;

/// <summary>A scripted QMP peer on a unix socket in a temp directory: the test decides byte by byte what the
/// client receives and when, which real QEMU cannot be made to do (split replies, several messages in one
/// read, silence, garbage).</summary>
internal sealed class FakeQmpServer : IDisposable
{
    public const string Greeting =
        """{"QMP": {"version": {"qemu": {"micro": 22, "minor": 2, "major": 7}, "package": "fake"}, "capabilities": ["oob"]}}""" + "\r\n";

    private readonly string _directory;
    private readonly Socket _listener;
    private readonly List<FakeQmpConnection> _connections = [];

    public FakeQmpServer()
    {
        _directory = Directory.CreateTempSubdirectory("occi-qmp-fake-").FullName;
        SocketPath = Path.Combine(_directory, "qmp.sock");
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen(4);
    }

    public string SocketPath { get; }

    /// <summary>Accepts one client; with <paramref name="handshake"/>, sends the greeting and answers its
    /// qmp_capabilities.</summary>
    public async Task<FakeQmpConnection> AcceptAsync(bool handshake = true)
    {
        var socket = await _listener.AcceptAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var connection = new FakeQmpConnection(socket);
        lock (_connections)
            _connections.Add(connection);
        if (handshake)
        {
            await connection.SendAsync(Greeting);
            var capabilities = await connection.ReadCommandAsync();
            Assert.Equal("qmp_capabilities", capabilities.Execute);
            await connection.ReplyAsync(capabilities.Id, "{}");
        }
        return connection;
    }

    public void Dispose()
    {
        lock (_connections)
            foreach (var connection in _connections)
                connection.Dispose();
        _listener.Dispose();
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }
}

/// <summary>One command as the fake server received it.</summary>
internal sealed record FakeCommand(string Execute, long Id, string Raw, JsonElement? Arguments);

internal sealed class FakeQmpConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly List<byte> _pending = [];

    public FakeQmpConnection(Socket socket) => _socket = socket;

    public async Task SendAsync(string text) => await SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        var sent = 0;
        while (sent < bytes.Length)
            sent += await _socket.SendAsync(bytes.AsMemory(sent));
    }

    public Task ReplyAsync(long id, string returnJson) =>
        SendAsync($$"""{"return": {{returnJson}}, "id": {{id}}}""" + "\r\n");

    /// <summary>Reads the next line the client sent and parses it as a command.</summary>
    public async Task<FakeCommand> ReadCommandAsync()
    {
        var line = await ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        return new FakeCommand(
            root.GetProperty("execute").GetString()!,
            root.GetProperty("id").GetInt64(),
            line,
            root.TryGetProperty("arguments", out var arguments) ? arguments.Clone() : null);
    }

    /// <summary>Closes the connection as a dying QEMU would.</summary>
    public void Close()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        _socket.Close();
    }

    public void Dispose() => _socket.Dispose();

    private async Task<string> ReadLineAsync()
    {
        var chunk = new byte[4096];
        while (true)
        {
            var newline = _pending.IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var line = Encoding.UTF8.GetString(_pending.GetRange(0, newline).ToArray()).TrimEnd('\r');
                _pending.RemoveRange(0, newline + 1);
                return line;
            }
            var read = await _socket.ReceiveAsync(chunk);
            if (read == 0)
                throw new EndOfStreamException("client closed the connection");
            _pending.AddRange(chunk.AsSpan(0, read));
        }
    }
}
