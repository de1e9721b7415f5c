using System.Diagnostics;
using System.Globalization;
using Hoard.Cluster.Topology;
using Hoard.Storage.Keys;

namespace Hoard.Bench.ClusterBench;

/// <summary>How <c>move</c> runs.</summary>
/// <param name="Gb">GiB of values to fill the moving slots with.</param>
/// <param name="ValueBytes">The size of each value of the fill.</param>
/// <param name="HashFields">0: the fill is strings; else hashes of this many fields (values of <paramref name="ValueBytes"/>).</param>
/// <param name="Slots">How many of node 0's slots move (from its first); null: all of them.</param>
/// <param name="Rate">What to CONFIG SET <c>cluster-move-max-rate</c> to on node 0 first; null: leave its default.</param>
/// <param name="Probes">How many write probes (<see cref="MoveProbe"/>) run.</param>
/// <param name="LoadClients">How many clients the load (<see cref="MixedLoad"/>) runs.</param>
/// <param name="Pipeline">How many commands each load client sends at once.</param>
/// <param name="Before">How long the load runs before the move, to measure its throughput without one.</param>
/// <param name="Cold">Whether the measured move is each node's first (no warm-up move of an empty slot each way).</param>
internal sealed record MoveOptions(double Gb, int ValueBytes, int HashFields, int? Slots, string? Rate, int Probes, int LoadClients, int Pipeline, TimeSpan Before, bool Cold);

/// <summary>What one move measured, for <see cref="MoveReport"/>.</summary>
internal sealed record MoveMeasure(
    int Start, int End, long FillKeys, TimeSpan Fill, long Rate, string Reply, TimeSpan Elapsed,
    (NodeMemory Before, NodeMemory After) Source, (NodeMemory Before, NodeMemory After) Target, long TargetKeys, long ExpectedKeys,
    long LoadBefore, long LoadDuring, long WindowStarted, long MoveStarted);

/// <summary>A node's INFO memory: <c>used_memory</c> and <c>used_memory_dataset</c> (the live keys' bytes).</summary>
internal readonly record struct NodeMemory(long Used, long Dataset);

/// <summary>
/// 2 primaries (node 0 the one voter), formed; node 0's moving slots filled with <see cref="MoveOptions.Gb"/> GiB; write probes
/// (<see cref="MoveProbe"/>) over the moving slots and a GET/SET load (<see cref="MixedLoad"/>) over all slots
/// started; the load's throughput measured for a window; then <c>HOARD.MOVESLOTS</c> to node 0 moves the slots to
/// node 1 while both go on; the load's throughput over the move, the probes' latencies and redirects, and once node 0
/// dropped the moved keys, both nodes' memory and the keys node 1 holds in the moved slots.
/// </summary>
internal static class SlotMove
{
    private static readonly TimeSpan Warmup = TimeSpan.FromMilliseconds(500);

    public static void Run(MoveOptions options, HoardCluster cluster, CancellationToken token)
    {
        cluster.StartAll();
        cluster.Form();
        var ranges = SlotRange.SplitEvenly(2);
        if (!options.Cold)
        {
            WarmUp(cluster, ranges[1].Start);
        }

        var start = ranges[0].Start;
        var end = options.Slots is { } n ? start + n - 1 : ranges[0].End;
        if (options.Rate is { } setting && cluster.Call(0, "CONFIG", "SET", "cluster-move-max-rate", setting) is not "OK" and var refused)
        {
            throw new InvalidOperationException($"CONFIG SET cluster-move-max-rate {setting} answered {(refused as RespError)?.Message ?? refused}");
        }

        var rate = long.Parse((string)((object?[])cluster.Call(0, "CONFIG", "GET", "cluster-move-max-rate")!)[1]!, CultureInfo.InvariantCulture);
        var keys = (long)Math.Max(1, options.Gb * (1L << 30) / ((long)options.ValueBytes * Math.Max(1, options.HashFields)));
        MoveReport.Setup(options, start, end, keys, rate);

        var fill = SlotFill.Run(cluster, 0, start, end - start + 1, keys, options.ValueBytes, options.HashFields, token);
        var portOf = new int[HashSlot.Count];
        Array.Fill(portOf, cluster.Ports[0], 0, ranges[0].End + 1);
        Array.Fill(portOf, cluster.Ports[1], ranges[1].Start, ranges[1].End - ranges[1].Start + 1);
        var load = new MixedLoad(portOf, options.LoadClients, options.Pipeline, token);
        load.Prefill();
        var probe = new MoveProbe(portOf, [.. Enumerable.Range(start, end - start + 1)], options.Probes, token);

        // The reply comes when the move has ended: bounded by 4 times the paced walk's time, or 16 MiB/s unpaced.
        var moveBound = TimeSpan.FromSeconds(60 + 4.0 * options.Gb * (1L << 30) / (rate > 0 ? rate : 16 << 20));
        using var admin = RespConnection.Open(cluster.Ports[0], HoardCluster.Bound, moveBound);
        probe.Start();
        load.Start();
        try
        {
            Pause(Warmup, token);
            var (load0, t0) = (load.Completed, Stopwatch.GetTimestamp());
            Pause(options.Before, token);
            var source = UsedMemory(cluster, 0);
            var target = UsedMemory(cluster, 1);
            var (load1, t1) = (load.Completed, Stopwatch.GetTimestamp());
            var reply = admin.Call("HOARD.MOVESLOTS", cluster.Ids[1], start, end);
            var (load2, t2) = (load.Completed, Stopwatch.GetTimestamp());
            probe.MoveEnded();
            probe.Join(HoardCluster.Bound);
            load.Stop(HoardCluster.ReplyTimeout);
            if (reply is not string summary)
            {
                throw new InvalidOperationException($"HOARD.MOVESLOTS answered {(reply as RespError)?.Message ?? reply}");
            }

            HoardCluster.WaitUntil("node 0 dropped the moved keys", () => KeysIn(cluster, 0, start, end) == 0);
            var expected = keys + (long)options.Probes * (end - start + 1) + load.KeysIn(start, end);
            var measure = new MoveMeasure(start, end, keys, fill, rate, summary, Stopwatch.GetElapsedTime(t1, t2),
                (source, UsedMemory(cluster, 0)), (target, UsedMemory(cluster, 1)), KeysIn(cluster, 1, start, end), expected,
                load1 - load0, load2 - load1, t0, t1);
            MoveReport.Results(options, measure, probe, load);
        }
        finally
        {
            probe.Cancel();
            load.Cancel();
        }
    }

    /// <summary>
    /// Moves empty slot <paramref name="slot"/> of node 1 to node 0 and back: each node's export and import code has run
    /// once (compiled), as on any node after its first move.
    /// </summary>
    private static void WarmUp(HoardCluster cluster, int slot)
    {
        foreach (var (from, to) in new[] { (1, 0), (0, 1) })
        {
            // The other node may still be dropping the first move's (no) keys: TRYAGAIN until it let go of the slot.
            HoardCluster.WaitUntil($"the warm-up move from node {from}", () => cluster.Call(from, "HOARD.MOVESLOTS", cluster.Ids[to], slot, slot) switch
            {
                string => true,
                RespError { Message: var e } when e.StartsWith("TRYAGAIN", StringComparison.Ordinal) => false,
                var other => throw new InvalidOperationException($"the warm-up HOARD.MOVESLOTS answered {(other as RespError)?.Message ?? other}"),
            });
        }
    }

    private static void Pause(TimeSpan time, CancellationToken token)
    {
        token.WaitHandle.WaitOne(time);
        token.ThrowIfCancellationRequested();
    }

    private static NodeMemory UsedMemory(HoardCluster cluster, int index)
    {
        var info = (string)cluster.Call(index, "INFO", "memory")!;
        long Field(string name) => long.Parse(HoardCluster.Field(info, name), CultureInfo.InvariantCulture);
        return new NodeMemory(Field("used_memory"), Field("used_memory_dataset"));
    }

    /// <summary>Keys node <paramref name="index"/> holds in slots <paramref name="start"/>–<paramref name="end"/> (CLUSTER COUNTKEYSINSLOT each, pipelined).</summary>
    private static long KeysIn(HoardCluster cluster, int index, int start, int end)
    {
        using var connection = cluster.Connect(index);
        connection.SendAll([.. Enumerable.Range(start, end - start + 1).Select(s => new object[] { "CLUSTER", "COUNTKEYSINSLOT", s })]);
        var total = 0L;
        for (var s = start; s <= end; s++)
        {
            total += connection.ReadReply() as long? ?? throw new InvalidOperationException($"node {index} did not count the keys of slot {s}");
        }

        return total;
    }
}
