using System.Globalization;

namespace Hoard.Bench.ClusterBench;

/// <summary>Median, percentiles (nearest rank), min and max of a set of milliseconds, and their printing.</summary>
internal static class Stats
{
    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    public static double P90(IReadOnlyList<double> values) => Percentile(values.Order().ToArray(), 0.9);

    /// <summary>The <paramref name="fraction"/> percentile (nearest rank) of values sorted ascending.</summary>
    public static double Percentile(double[] sorted, double fraction) =>
        sorted[Math.Max(0, (int)Math.Ceiling(fraction * sorted.Length) - 1)];

    /// <summary>A table row: the label, then median, p90, min and max in ms (dashes when there are no values).</summary>
    public static string Row(string label, IReadOnlyList<double> values) => values.Count == 0
        ? $"  {label,-40} {"-",9} {"-",9} {"-",9} {"-",9}"
        : string.Create(CultureInfo.InvariantCulture,
            $"  {label,-40} {Median(values),9:0.0} {P90(values),9:0.0} {values.Min(),9:0.0} {values.Max(),9:0.0}");

    /// <summary>The 1, 5 and 15 minute load averages.</summary>
    public static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]);

    public static string Header() => $"  {"ms",-40} {"median",9} {"p90",9} {"min",9} {"max",9}";
}
