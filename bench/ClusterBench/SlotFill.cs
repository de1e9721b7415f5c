using System.Diagnostics;

namespace Hoard.Bench.ClusterBench;

/// <summary>
/// Fills one node with <c>SET</c>s of fixed-size values under keys spread evenly over a range of its slots (key
/// <c>i</c> in slot <c>start + i mod count</c>), pipelined on a few connections at once, every reply checked.
/// </summary>
internal static class SlotFill
{
    private const int Connections = 4;
    private const int Batch = 256;

    /// <summary>Sets <paramref name="keys"/> keys on node <paramref name="node"/>; returns how long it took.</summary>
    public static TimeSpan Run(HoardCluster cluster, int node, int start, int count, long keys, int valueBytes, CancellationToken token)
    {
        var value = new string('v', valueBytes);
        var started = Stopwatch.GetTimestamp();
        var fillers = Enumerable.Range(0, Connections).Select(c => Task.Factory.StartNew(() =>
        {
            using var connection = cluster.Connect(node);
            for (var first = (long)c * Batch; first < keys; first += (long)Connections * Batch)
            {
                token.ThrowIfCancellationRequested();
                var last = Math.Min(first + Batch, keys);
                var commands = new object[last - first][];
                for (var i = first; i < last; i++)
                {
                    commands[i - first] = ["SET", Key(start, count, i), value];
                }

                connection.SendAll(commands);
                for (var i = first; i < last; i++)
                {
                    if (connection.ReadReply() is not "OK" and var reply)
                    {
                        throw new InvalidOperationException($"node {node} answered SET {Key(start, count, i)} with {(reply as RespError)?.Message ?? reply}");
                    }
                }
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        Task.WaitAll(fillers, token);
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>Key <paramref name="i"/> of the fill.</summary>
    public static string Key(int start, int count, long i) => SlotTags.Key("f", start + (int)(i % count), i);
}
