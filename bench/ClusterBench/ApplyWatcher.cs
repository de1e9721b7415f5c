using System.Diagnostics;

namespace Hoard.Bench.ClusterBench;

/// <summary>
/// When one node applied a change, as a probe on the node's own connection sees it: the probe is sent again and again
/// (back to back, or with a pause) until its reply shows the change.
/// </summary>
internal sealed class ApplyWatcher(RespConnection connection, object[] probe) : IDisposable
{
    /// <summary>Every probe's round trip so far, in ms.</summary>
    public List<double> RoundTrips { get; } = [];

    public RespConnection Connection => connection;

    /// <summary>
    /// Probes once and signals <paramref name="ready"/> (the change must not be sent before), then probes until
    /// <paramref name="applied"/> holds for a reply. The node applied the change after the last probe that did not
    /// show it was sent and before the first that did was answered: that bracket is returned (Stopwatch ticks).
    /// </summary>
    /// <exception cref="TimeoutException">Not applied within <see cref="HoardCluster.Bound"/>.</exception>
    public Bracket Watch(Func<object?, bool> applied, TimeSpan pause, CountdownEvent ready, string node)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(HoardCluster.Bound.TotalSeconds * Stopwatch.Frequency);
        var signalled = false;
        var lastMiss = 0L;
        while (true)
        {
            var sent = Stopwatch.GetTimestamp();
            var reply = connection.Call(probe);
            var answered = Stopwatch.GetTimestamp();
            RoundTrips.Add(Stopwatch.GetElapsedTime(sent, answered).TotalMilliseconds);
            if (signalled && applied(reply))
            {
                return new Bracket(lastMiss, answered);
            }

            lastMiss = sent;
            if (!signalled)
            {
                ready.Signal();
                signalled = true;
            }

            if (answered > deadline)
            {
                throw new TimeoutException($"{node} did not show the change within {HoardCluster.Bound.TotalSeconds:0} s (last reply: {reply})");
            }

            if (pause > TimeSpan.Zero)
            {
                Thread.Sleep(pause);
            }
        }
    }

    public void Dispose() => connection.Dispose();
}

/// <summary>A node applied a change after <see cref="NotBefore"/> and by <see cref="By"/> (Stopwatch ticks).</summary>
internal readonly record struct Bracket(long NotBefore, long By);
