namespace Hoard.Bench.ClusterBench;

/// <summary>
/// A few client loops, each on a thread of its own (a long-running task), stopped together: the loops watch
/// <see cref="IsStopping"/>; <see cref="Stop"/> sets it once and waits (bounded) for each loop's command in flight.
/// </summary>
internal sealed class LoopThreads(int count, CancellationToken token)
{
    private readonly Task[] _loops = new Task[count];
    private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(token);
    private int _stopped;

    /// <summary>How many loops.</summary>
    public int Count => _loops.Length;

    /// <summary>Set once the loops are to stop.</summary>
    public bool IsStopping => _stop.IsCancellationRequested;

    /// <summary>Starts loop i as <paramref name="loop"/>(i) for each i.</summary>
    public void Start(Action<int> loop)
    {
        for (var i = 0; i < _loops.Length; i++)
        {
            var index = i;
            _loops[i] = Task.Factory.StartNew(() => loop(index), TaskCreationOptions.LongRunning);
        }
    }

    /// <summary>Whether every loop ended within <paramref name="bound"/> (by itself, or asked with <see cref="RequestStop"/>).</summary>
    public bool Join(TimeSpan bound) => Task.WaitAll(_loops, bound);

    /// <summary>Asks every loop to stop, without waiting (before <see cref="Stop"/>).</summary>
    public void RequestStop() => _stop.Cancel();

    /// <summary>Asks every loop to stop and waits for them (at most a reply's time); once: false for any later call.</summary>
    public bool Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return false;
        }

        _stop.Cancel();
        try
        {
            Task.WaitAll([.. _loops.Where(l => l is not null)], HoardCluster.ReplyTimeout);
        }
        catch (AggregateException)
        {
            // Interrupted or failed already: the run reports that.
        }

        _stop.Dispose();
        return true;
    }
}
