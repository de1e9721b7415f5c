using System.Diagnostics;
using Hoard.Client;

namespace Hoard.Bench.ClientBench;

/// <summary>GetAsync of a cached key: from the near cache, and from the node.</summary>
internal static class Latency
{
    public static async Task RunAsync(HoardCache near, HoardCache far)
    {
        const string key = "latency";
        await far.SetAsync(key, new string('x', 200));
        await Task.Delay(100); // the near cache heard of the write
        while (!(await near.GetAsync<string>(key)).HasValue || near.NearCacheCount == 0)
        {
        }

        Console.WriteLine(FormattableString.Invariant($"latency of a hit (GetAsync, 200-byte value): L1 {await MeasureAsync(near, key, 100_000)}; L2 {await MeasureAsync(far, key, 20_000)}"));
    }

    private static async Task<string> MeasureAsync(HoardCache cache, string key, int reads)
    {
        var times = new List<double>(reads);
        for (var i = 0; i < reads; i++)
        {
            var started = Stopwatch.GetTimestamp();
            if (!(await cache.GetAsync<string>(key)).HasValue)
            {
                throw new InvalidOperationException("the key went missing");
            }

            times.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
        }

        times.Sort();
        return FormattableString.Invariant($"p50 {Staleness.At(times, 0.50):0.0} µs, p99 {Staleness.At(times, 0.99):0.0} µs");
    }
}
