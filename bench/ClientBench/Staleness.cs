using System.Diagnostics;
using Hoard.Client;

namespace Hoard.Bench.ClientBench;

/// <summary>How long a reader's near cache serves the old value after another client's write was acknowledged.</summary>
internal static class Staleness
{
    public static async Task RunAsync(HoardCache reader, HoardCache writer, int writes)
    {
        const string key = "staleness";
        var stale = new List<double>(writes);
        await writer.SetAsync(key, -1);
        for (var i = 0; i < writes; i++)
        {
            // The reader holds the current value near (read until it is served from its near cache).
            var deadline = Stopwatch.StartNew();
            while (!(await reader.GetAsync<int>(key) is { HasValue: true, Value: var seen } && seen == i - 1 && reader.NearCacheCount > 0))
            {
                if (deadline.Elapsed > TimeSpan.FromSeconds(10))
                {
                    throw new TimeoutException("the reader never kept the value near");
                }
            }

            await writer.SetAsync(key, i);
            var acknowledged = Stopwatch.GetTimestamp();
            while ((await reader.GetAsync<int>(key)).Value != i)
            {
                if (Stopwatch.GetElapsedTime(acknowledged) > TimeSpan.FromSeconds(10))
                {
                    throw new TimeoutException("the reader kept the old value");
                }
            }

            stale.Add(Stopwatch.GetElapsedTime(acknowledged).TotalMilliseconds);
        }

        stale.Sort();
        Console.WriteLine(FormattableString.Invariant(
            $"staleness: a near copy after another client's write was acknowledged, {writes} writes: p50 {At(stale, 0.50):0.000} ms, p99 {At(stale, 0.99):0.000} ms, max {stale[^1]:0.000} ms"));
    }

    internal static double At(List<double> sorted, double quantile) => sorted[Math.Min(sorted.Count - 1, (int)(quantile * sorted.Count))];
}
