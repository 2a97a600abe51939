using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace OcciAgent.Systemd;

/// <summary>How log lines look on stdout. Under the journal, or whenever stdout is not a
/// terminal (a pipe, a file), each line is one record with a syslog level prefix (<c>&lt;6&gt;</c>
/// = info) that journald turns into PRIORITY, and never ANSI colours, which would end up as
/// escape bytes in the journal or the file. On a terminal: the coloured simple format.</summary>
public static class ConsoleFormat
{
    public static bool UseSystemdFormat(string? journalStream, bool stdoutIsTerminal) =>
        !string.IsNullOrEmpty(journalStream) || !stdoutIsTerminal;

    public static bool UseSystemdFormatHere() =>
        UseSystemdFormat(Environment.GetEnvironmentVariable("JOURNAL_STREAM"), !Console.IsOutputRedirected);

    public static void Configure(ILoggingBuilder logging, bool systemdFormat)
    {
        logging.ClearProviders();
        if (systemdFormat)
            logging.AddSystemdConsole(o =>
            {
                o.IncludeScopes = false;
                o.TimestampFormat = null; // journald stamps each line itself
            });
        else
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
                o.ColorBehavior = LoggerColorBehavior.Enabled;
            });
    }
}
