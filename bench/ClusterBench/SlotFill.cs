using System.Diagnostics;

namespace Hoard.Bench.ClusterBench;

/// <summary>
/// Fills one node with <c>SET</c>s of fixed-size values — or hashes of fixed-size fields, by <c>HSET</c>s of
/// <see cref="FieldsPerHset"/> fields — under keys spread evenly over a range of its slots (key <c>i</c> in slot
/// <c>start + i mod count</c>), pipelined on a few connections at once, every reply checked.
/// </summary>
internal static class SlotFill
{
    private const int Connections = 4;
    private const int Batch = 256;
    private const int FieldsPerHset = 1000;

    /// <summary>
    /// Sets <paramref name="keys"/> keys on node <paramref name="node"/>, strings or (with <paramref name="hashFields"/>
    /// above 0) hashes of that many fields; returns how long it took.
    /// </summary>
    public static TimeSpan Run(HoardCluster cluster, int node, int start, int count, long keys, int valueBytes, int hashFields, CancellationToken token)
    {
        if (hashFields > 0)
        {
            return FillHashes(cluster, node, start, count, keys, valueBytes, hashFields, token);
        }

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

    private static TimeSpan FillHashes(HoardCluster cluster, int node, int start, int count, long keys, int valueBytes, int fields, CancellationToken token)
    {
        var value = new string('v', valueBytes);
        var started = Stopwatch.GetTimestamp();
        var fillers = Enumerable.Range(0, Connections).Select(c => Task.Factory.StartNew(() =>
        {
            using var connection = cluster.Connect(node);
            for (var i = (long)c; i < keys; i += Connections)
            {
                token.ThrowIfCancellationRequested();
                var key = Key(start, count, i);
                var commands = new List<object[]>();
                for (var first = 0; first < fields; first += FieldsPerHset)
                {
                    var command = new List<object> { "HSET", key };
                    for (var f = first; f < Math.Min(fields, first + FieldsPerHset); f++)
                    {
                        command.Add("field:" + f.ToString(System.Globalization.CultureInfo.InvariantCulture));
                        command.Add(value);
                    }

                    commands.Add([.. command]);
                }

                connection.SendAll([.. commands]);
                foreach (var _ in commands)
                {
                    if (connection.ReadReply() is not long and var reply)
                    {
                        throw new InvalidOperationException($"node {node} answered HSET {key} with {(reply as RespError)?.Message ?? reply}");
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
