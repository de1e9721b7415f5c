using System.Diagnostics;

namespace Hoard.Bench.ReplicationBench;

/// <summary>Milliseconds on the monotonic clock, since this process started measuring.</summary>
internal static class Clock
{
    private static readonly long Start = Stopwatch.GetTimestamp();

    public static double Ms => Stopwatch.GetElapsedTime(Start).TotalMilliseconds;
}
