using System.Diagnostics;

namespace Hoard.Server.Replication;

/// <summary>
/// Holds a full sync's snapshot to a rate (<c>repl-sync-max-rate</c>, read at every step so CONFIG SET acts on a
/// sync under way): after each frame it waits until the bytes sent so far are due. Time lost while the sender was
/// slower than the rate is not made up in a burst (at most <see cref="Credit"/> of it).
/// </summary>
/// <param name="maxRate">Bytes a second allowed now; 0 or less for no limit.</param>
internal sealed class SyncPacer(Func<long> maxRate)
{
    /// <summary>How far the sender may fall behind its schedule and then catch up at full speed.</summary>
    internal static readonly TimeSpan Credit = TimeSpan.FromMilliseconds(100);

    /// <summary>Shorter waits are skipped (owed until they add up): a timer does not wake much sooner.</summary>
    private static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(2);

    private long _startTicks = Stopwatch.GetTimestamp();
    private long _sent;
    private long _rate;

    /// <summary>Counts <paramref name="bytes"/> as sent, then waits until they are due.</summary>
    public Task PaceAsync(long bytes, CancellationToken token)
    {
        var rate = maxRate();
        if (rate != _rate)
        {
            Restart(rate); // a changed rate counts from now
        }

        if (rate <= 0)
        {
            return Task.CompletedTask;
        }

        _sent += bytes;
        var due = TimeSpan.FromSeconds((double)_sent / rate);
        var elapsed = Stopwatch.GetElapsedTime(_startTicks);
        if (elapsed - due > Credit)
        {
            // Behind by more than the credit: start the schedule over so only the credit can be caught up.
            _startTicks = Stopwatch.GetTimestamp() - (long)((due + Credit).TotalSeconds * Stopwatch.Frequency);
            return Task.CompletedTask;
        }

        var wait = due - elapsed;
        return wait >= MinimumWait ? Task.Delay(wait, token) : Task.CompletedTask;
    }

    private void Restart(long rate)
    {
        _rate = rate;
        _sent = 0;
        _startTicks = Stopwatch.GetTimestamp();
    }
}
