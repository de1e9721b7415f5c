using Microsoft.Extensions.Logging;

namespace Hoard.Cli;

/// <summary>The executable's console logging: one timestamped line per message.</summary>
internal static class ConsoleLogging
{
    /// <summary>
    /// Creates the loggers. The operator commands log to standard error so their standard output (status tables,
    /// endpoints) can be read by scripts.
    /// </summary>
    public static ILoggerFactory Create(LogLevel minimum, bool toStandardError) => LoggerFactory.Create(b => b
        .SetMinimumLevel(minimum)
        .AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        })
        .AddConsole(o => o.LogToStandardErrorThreshold = toStandardError ? LogLevel.Trace : LogLevel.None));
}
