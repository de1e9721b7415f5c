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
    private readonly long[] _rejected;
    private readonly long[] _failed;
    private readonly int _stripes;

    /// <summary>Creates zeroed counters.</summary>
    public CommandStatistics()
    {
        _stripes = Environment.ProcessorCount;
        _calls = new long[_stripes * Padding];
        _ticks = new long[_stripes * Padding];
        _rejected = new long[_stripes * Padding];
        _failed = new long[_stripes * Padding];
    }

    /// <summary>Number of calls.</summary>
    public long Calls => Sum(_calls);

    /// <summary>Total time spent in microseconds.</summary>
    public long Microseconds => Sum(_ticks) / TimeSpan.TicksPerMicrosecond;

    /// <summary>Calls refused before running (arity, authentication, subscribed context).</summary>
    public long RejectedCalls => Sum(_rejected);

    /// <summary>Calls that ran and answered with an error.</summary>
    public long FailedCalls => Sum(_failed);

    /// <summary>Counts a call refused before it ran.</summary>
    public void RecordRejected() => Interlocked.Increment(ref _rejected[Stripe()]);

    /// <summary>Counts a call that answered with an error.</summary>
    public void RecordFailed() => Interlocked.Increment(ref _failed[Stripe()]);

    private int Stripe() => (Thread.GetCurrentProcessorId() % _stripes) * Padding;

    /// <summary>Counts one call.</summary>
    public void Record(TimeSpan elapsed)
    {
        var stripe = Stripe();
        Interlocked.Increment(ref _calls[stripe]);
        Interlocked.Add(ref _ticks[stripe], elapsed.Ticks);
    }

    /// <summary>Back to zero.</summary>
    public void Reset()
    {
        Array.Clear(_calls);
        Array.Clear(_ticks);
        Array.Clear(_rejected);
        Array.Clear(_failed);
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
