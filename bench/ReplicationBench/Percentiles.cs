using System.Globalization;

namespace Hoard.Bench.ReplicationBench;

/// <summary>Nearest-rank percentiles of a set of milliseconds.</summary>
internal static class Percentiles
{
    public static double Of(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

    /// <summary><c>count N  p50 …  p99 …  max …</c> (ms).</summary>
    public static string Summary(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0
            ? "count 0"
            : string.Create(CultureInfo.InvariantCulture,
                $"count {sorted.Length,6}  p50 {Of(sorted, 50),8:0.000} ms  p99 {Of(sorted, 99),8:0.000} ms  max {sorted[^1],8:0.000} ms");
    }
}
