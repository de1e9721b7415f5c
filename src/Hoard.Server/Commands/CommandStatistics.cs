namespace Hoard.Server.Commands;

/// <summary>
/// How often a command ran and how long it took (INFO commandstats; CONFIG RESETSTAT clears them). Counters are
/// striped by processor so that two cores running GET do not fight over one cache line.
/// </summary>
public sealed class CommandStatistics
{
    private const int Padding = 8; // longs per stripe: one 64-byte cache line
    private readonly long[] _calls;
    private readonly long[] _ticks;
    private readonly int _stripes;

    /// <summary>Creates zeroed counters.</summary>
    public CommandStatistics()
    {
        _stripes = Environment.ProcessorCount;
        _calls = new long[_stripes * Padding];
        _ticks = new long[_stripes * Padding];
    }

    /// <summary>Number of calls.</summary>
    public long Calls => Sum(_calls);

    /// <summary>Total time spent in microseconds.</summary>
    public long Microseconds => Sum(_ticks) / TimeSpan.TicksPerMicrosecond;

    /// <summary>Counts one call.</summary>
    public void Record(TimeSpan elapsed)
    {
        var stripe = (Thread.GetCurrentProcessorId() % _stripes) * Padding;
        Interlocked.Increment(ref _calls[stripe]);
        Interlocked.Add(ref _ticks[stripe], elapsed.Ticks);
    }

    /// <summary>Back to zero.</summary>
    public void Reset()
    {
        Array.Clear(_calls);
        Array.Clear(_ticks);
    }

    private long Sum(long[] counters)
    {
        long total = 0;
        for (var i = 0; i < _stripes; i++)
        {
            total += Volatile.Read(ref counters[i * Padding]);
        }

        return total;
    }
}
