using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace OcciAgent.Net.Tests.Dhcp;

/// <summary>Sends the server's log (dnsmasq's own lines included, at Debug) to the test output,
/// so a failing test shows what dnsmasq said.</summary>
public sealed class TestOutputLogger(ITestOutputHelper output) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        try
        {
            output.WriteLine($"{DateTime.Now:HH:mm:ss.fff} {logLevel} {eventId.Id} {formatter(state, exception)}");
        }
        catch (InvalidOperationException)
        {
            // The test already ended (a background restart logged late).
        }
    }
}
