using Microsoft.Extensions.Logging;

namespace Hoard.Cli;

/// <summary>The executable's own log messages.</summary>
internal static partial class CliLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "stopping")]
    public static partial void Stopping(ILogger logger);
}
