using System.Runtime.InteropServices;
using Hoard.Server;
using Hoard.Server.Configuration;
using Microsoft.Extensions.Logging;

namespace Hoard.Cli;

/// <summary>
/// <c>hoard serve [config-file] [--name value …]</c>: runs one node until Ctrl-C, SIGTERM or SHUTDOWN — or, for a node
/// <c>hoard up</c> started, until that process is gone (<see cref="StopWithParent"/>).
/// </summary>
internal static class ServeCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = new ServerOptions();
        var rest = args.ToList();
        var settings = new List<(string Name, string Value)>();
        if (rest.Count > 0 && !rest[0].StartsWith("--", StringComparison.Ordinal))
        {
            settings.AddRange(ConfigFile.Read(rest[0]));
            rest.RemoveAt(0);
        }

        settings.AddRange(ConfigFile.FromFlags(rest)); // flags after the file: they win
        var logLevel = LogLevel.Information;
        foreach (var (name, value) in settings)
        {
            if (name == "loglevel")
            {
                logLevel = ParseLogLevel(value);
                continue;
            }

            try
            {
                ConfigRegistry.Apply(options, name, value);
            }
            catch (ArgumentException e)
            {
                throw new ConfigurationException(e.Message);
            }
        }

        using var loggers = ConsoleLogging.Create(logLevel, toStandardError: false);
        var logger = loggers.CreateLogger("hoard");
        await using var server = new HoardServer(options, loggers);
        await server.StartAsync().ConfigureAwait(false);

        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            stop.TrySetResult();
        });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c =>
        {
            c.Cancel = true;
            stop.TrySetResult();
        });
        var parentGone = StopWithParent.WhenParentGoneAsync();
        if (await Task.WhenAny(stop.Task, server.ShutdownRequested, parentGone).ConfigureAwait(false) == parentGone)
        {
            CliLog.ParentGone(logger);
        }

        CliLog.Stopping(logger);
        return 0;
    }

    private static LogLevel ParseLogLevel(string value) => value.ToLowerInvariant() switch
    {
        "debug" => LogLevel.Debug,
        "verbose" => LogLevel.Trace,
        "notice" => LogLevel.Information,
        "warning" => LogLevel.Warning,
        "nothing" => LogLevel.None,
        _ => throw new ConfigurationException($"loglevel: unknown level '{value}' (debug, verbose, notice, warning, nothing)"),
    };
}
