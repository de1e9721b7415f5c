using System.Diagnostics;
using StackExchange.Redis;

namespace Hoard.Client;

/// <summary>
/// Runs a cluster call again while it fails in a way that passes — a node down or failing over, a slot moving, a
/// timeout — with doubling pauses (20 ms up to 500 ms), for up to a budget; then the last error is thrown.
/// Every call it is used for may run twice safely (reads, and writes that set a whole value).
/// </summary>
internal static class ClusterRetry
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan LongestPause = TimeSpan.FromMilliseconds(500);

    public static async Task<T> RunAsync<T>(Func<Task<T>> call, TimeSpan budget)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(budget.TotalSeconds * Stopwatch.Frequency);
        var pause = FirstPause;
        while (true)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (Exception e) when (IsTransient(e) && Stopwatch.GetTimestamp() + (pause.TotalSeconds * Stopwatch.Frequency) < deadline)
            {
                await Task.Delay(pause).ConfigureAwait(false);
                pause = TimeSpan.FromTicks(Math.Min(LongestPause.Ticks, pause.Ticks * 2));
            }
        }
    }

    /// <summary>Whether <paramref name="e"/> is an error a moment later may not repeat.</summary>
    public static bool IsTransient(Exception e) => e switch
    {
        RedisConnectionException or RedisTimeoutException or TimeoutException => true,
        RedisServerException server => server.Message.StartsWith("CLUSTERDOWN", StringComparison.Ordinal)
            || server.Message.StartsWith("TRYAGAIN", StringComparison.Ordinal)
            || server.Message.StartsWith("LOADING", StringComparison.Ordinal)
            || server.Message.StartsWith("MASTERDOWN", StringComparison.Ordinal)
            || server.Message.StartsWith("READONLY", StringComparison.Ordinal),
        _ => false,
    };
}
