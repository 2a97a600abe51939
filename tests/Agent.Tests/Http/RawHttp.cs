using System.Net.Sockets;
using System.Text;

namespace OcciAgent.Tests.Http;

/// <summary>Requests HttpClient will not send (a 24-digit Content-Length, a body that stops
/// half-way), written to the agent's socket by hand. Carries the agent's bearer token when the
/// state dir has one, like every other request of the tests.</summary>
public static class RawHttp
{
    public static async Task<string> SendAsync(AgentServer agent, string head, byte[]? body = null, bool closeEarly = false)
    {
        var uri = new Uri(agent.BaseUrl);
        using var client = new TcpClient();
        await client.ConnectAsync(uri.Host, uri.Port);
        var stream = client.GetStream();
        var token = Path.Combine(agent.StateDir, "admin.token");
        var auth = File.Exists(token) ? $"Authorization: Bearer {File.ReadAllText(token).Trim()}\r\n" : "";
        // The agent answers 421 to a Host it does not listen on (BrowserGuard): name the real one.
        head = System.Text.RegularExpressions.Regex.Replace(head, @"\r\nHost: [^\r]*\r\n", $"\r\nHost: {uri.Authority}\r\n");
        await stream.WriteAsync(Encoding.UTF8.GetBytes(head.Replace("\r\n\r\n", "\r\n" + auth + "\r\n")));
        if (body is not null) await stream.WriteAsync(body);
        if (closeEarly)
        {
            client.Client.Shutdown(SocketShutdown.Both);
            return "";
        }
        client.ReceiveTimeout = 10_000;
        var buffer = new byte[4096];
        var sb = new StringBuilder();
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10))) > 0)
            {
                sb.Append(Encoding.UTF8.GetString(buffer, 0, n));
                if (sb.ToString().Contains("\r\n\r\n")) break;
            }
        }
        catch (IOException) { }
        return sb.ToString();
    }

    /// <summary>The status code of a raw answer; 0 when the connection closed without one.</summary>
    public static int Status(string answer) =>
        answer.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) ? int.Parse(answer.AsSpan(9, 3)) : 0;
}
