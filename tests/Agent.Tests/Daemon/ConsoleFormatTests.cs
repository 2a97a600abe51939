using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using OcciAgent.Systemd;

namespace OcciAgent.Tests.Daemon;

/// <summary>Which console format applies where (the real output is checked in
/// <see cref="AgentBinaryNotifyTests"/>).</summary>
[Trait("Category", "Unit")]
public class ConsoleFormatTests
{
    [Theory]
    [InlineData("8:1234", true, true)]    // under the journal, even if a terminal were attached
    [InlineData("8:1234", false, true)]
    [InlineData(null, false, true)]       // a pipe or a file
    [InlineData("", false, true)]
    [InlineData(null, true, false)]       // a terminal: colours
    public void Systemd_FormatUnlessOnATerminal(string? journalStream, bool terminal, bool systemd) =>
        Assert.Equal(systemd, ConsoleFormat.UseSystemdFormat(journalStream, terminal));

    [Theory]
    [InlineData(true, ConsoleFormatterNames.Systemd)]
    [InlineData(false, ConsoleFormatterNames.Simple)]
    public void Configure_SelectsTheFormatter(bool systemd, string formatter)
    {
        var services = new ServiceCollection();
        services.AddLogging(l => ConsoleFormat.Configure(l, systemd));
        using var sp = services.BuildServiceProvider();
        Assert.Equal(formatter, sp.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
        if (!systemd)
            Assert.Equal(LoggerColorBehavior.Enabled, sp.GetRequiredService<IOptionsMonitor<SimpleConsoleFormatterOptions>>().CurrentValue.ColorBehavior);
    }
}
