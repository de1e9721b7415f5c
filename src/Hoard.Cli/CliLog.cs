using Microsoft.Extensions.Logging;

namespace Hoard.Cli;

/// <summary>The executable's own log messages.</summary>
internal static partial class CliLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "stopping")]
    public static partial void Stopping(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "standard input closed: the hoard up that started this node is gone")]
    public static partial void ParentGone(ILogger logger);
}
