using System.Net.Sockets;
using System.Text;
using OcciAgent.Hypervisor.Tests.Volumes;
using OcciAgent.Hypervisor.Vm;

namespace OcciAgent.Hypervisor.Tests.Vm;

/// <summary>The console log stays within its bound however much the guest prints, and keeps the
/// newest output. A unix socket stands in for QEMU's serial chardev.</summary>
[Trait("Category", "Integration")]
public class SerialConsoleTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Log_IsBoundedAndKeepsTheNewestOutput()
    {
        var sock = _dir.File("serial.sock");
        var log = _dir.File("console.log");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(sock));
        listener.Listen(1);
        var connecting = SerialConsole.ConnectAsync(sock, log, 16 * 1024, TimeSpan.FromSeconds(5), CancellationToken.None);
        using var guest = await listener.AcceptAsync();
        await using var console = await connecting;
        for (var i = 0; i < 2000; i++)
            await guest.SendAsync(Encoding.ASCII.GetBytes($"line {i:D5} of the guest's output\n"), SocketFlags.None);
        await guest.SendAsync(Encoding.ASCII.GetBytes("LAST\n"), SocketFlags.None);
        guest.Shutdown(SocketShutdown.Both);
        await console.Completion.WaitAsync(TimeSpan.FromSeconds(10));

        var total = new FileInfo(log).Length + (File.Exists(log + ".1") ? new FileInfo(log + ".1").Length : 0);
        Assert.InRange(total, 1, 16 * 1024);
        var text = Encoding.ASCII.GetString(SerialConsole.ReadLog(log, 16 * 1024));
        Assert.EndsWith("line 01999 of the guest's output\nLAST\n", text);
        Assert.DoesNotContain("line 00000 ", text);
        Assert.Equal("LAST\n", Encoding.ASCII.GetString(SerialConsole.ReadLog(log, 5)));
    }

    [Fact]
    public async Task Input_ReachesTheGuestSide()
    {
        var sock = _dir.File("serial.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(sock));
        listener.Listen(1);
        var connecting = SerialConsole.ConnectAsync(sock, _dir.File("console.log"), 16 * 1024, TimeSpan.FromSeconds(5), CancellationToken.None);
        using var guest = await listener.AcceptAsync();
        await using var console = await connecting;
        await console.SendAsync(Encoding.ASCII.GetBytes("uname\n"), CancellationToken.None);
        var buffer = new byte[64];
        var n = await guest.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("uname\n", Encoding.ASCII.GetString(buffer, 0, n));
    }
}
