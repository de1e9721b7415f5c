using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Hoard.Bench.ClusterBench;

/// <summary>
/// With HOARD_BENCH_CLIENT_LOG set: StackExchange.Redis's own log (reconnects, topology re-reads) on stderr, each
/// line stamped with ms since the bench started, and the kill stamped the same way, to see what the client did when.
/// </summary>
internal sealed class ClientLog : ILoggerProvider, ILogger
{
    private static readonly long Start = Stopwatch.GetTimestamp();

    public static bool Enabled { get; } = Environment.GetEnvironmentVariable("HOARD_BENCH_CLIENT_LOG") is not null;

    public static ILoggerFactory Factory() => LoggerFactory.Create(b => b.AddProvider(new ClientLog()).SetMinimumLevel(LogLevel.Trace));

    public static void Note(string what)
    {
        if (Enabled)
        {
            Console.Error.WriteLine($"[{Stopwatch.GetElapsedTime(Start).TotalMilliseconds:0}] bench: {what}");
        }
    }

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Console.Error.WriteLine($"[{Stopwatch.GetElapsedTime(Start).TotalMilliseconds:0}] {logLevel} {formatter(state, exception)}");

    public void Dispose()
    {
    }
}
