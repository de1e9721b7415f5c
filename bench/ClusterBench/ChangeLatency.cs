using System.Diagnostics;
using System.Globalization;
using System.Text;
using Hoard.Storage.Keys;

namespace Hoard.Bench.ClusterBench;

/// <summary>What <c>changes</c> measures with: how many changes, nodes, which probe and how often it runs.</summary>
internal sealed record ChangeOptions(int Changes, int Nodes, bool EpochProbe, TimeSpan Pause, string? Csv);

/// <summary>
/// Topology changes one after another on a formed cluster of 3 voters and some followers: slot 0 moves between the
/// first node and the last with CLUSTER SETSLOT 0 NODE, sent to the consensus leader. Per change: t0 before sending,
/// t_commit when +OK arrives, and when each node applied it, as a probe on each node's own connection sees it.
/// </summary>
internal static class ChangeLatency
{
    private const int Slot = 0;

    public static void Run(ChangeOptions options, HoardCluster cluster, CancellationToken token)
    {
        cluster.StartAll();
        cluster.Form();
        var leader = Leader(cluster);
        var key = KeyInSlot(Slot);
        var epoch = AgreedEpoch(cluster);
        var (home, away) = (0, cluster.Count - 1); // slot 0 starts on node 0 (even split)
        object[] probe = options.EpochProbe ? ["CLUSTER", "INFO"] : ["GET", key];
        var watchers = Enumerable.Range(0, cluster.Count).Select(i => new ApplyWatcher(cluster.Connect(i), probe)).ToArray();
        using var admin = cluster.Connect(leader);
        PrintSetup(options, cluster, leader, key);

        var samples = new List<ChangeSample>();
        var extraEpochs = 0L;
        try
        {
            for (var k = 0; k < options.Changes; k++)
            {
                token.ThrowIfCancellationRequested();
                var owner = k % 2 == 0 ? away : home;
                var expected = epoch + 1;
                samples.Add(Change(cluster, admin, watchers, k + 1, owner, expected, options));
                var epochs = watchers.Select(w => Epoch(w.Connection)).ToArray();
                if (epochs.Min() < expected)
                {
                    throw new InvalidOperationException($"change {k + 1}: a node is at epoch {epochs.Min()} after applying epoch {expected}");
                }

                epoch = epochs.Max();
                extraEpochs += epoch - expected;
            }
        }
        finally
        {
            foreach (var watcher in watchers)
            {
                watcher.Dispose();
            }
        }

        var leaderAfter = Leader(cluster);
        PrintResults(cluster, samples, watchers, options, extraEpochs, leaderAfter == leader ? null : leaderAfter);
        if (options.Csv is { } csv)
        {
            WriteCsv(csv, cluster, samples);
        }
    }

    private static ChangeSample Change(HoardCluster cluster, RespConnection admin, ApplyWatcher[] watchers, int index, int owner, long expected, ChangeOptions options)
    {
        var moved = $"MOVED {Slot} 127.0.0.1:{cluster.Ports[owner]}";
        using var ready = new CountdownEvent(cluster.Count);
        var watching = watchers.Select((w, i) =>
        {
            Func<object?, bool> applied = options.EpochProbe
                ? reply => long.Parse(HoardCluster.Field((string)reply!, "cluster_current_epoch"), CultureInfo.InvariantCulture) >= expected
                : reply => i == owner ? reply is null : reply is RespError e && e.Message == moved;
            return Task.Factory.StartNew(() => w.Watch(applied, options.Pause, ready, $"node {i}"), TaskCreationOptions.LongRunning);
        }).ToArray();
        if (!ready.Wait(HoardCluster.Bound))
        {
            Task.WaitAll(watching); // throws the failure of the watcher that did not get ready
            throw new TimeoutException("the watchers did not get ready");
        }

        var t0 = Stopwatch.GetTimestamp();
        var reply = admin.Call("CLUSTER", "SETSLOT", Slot, "NODE", cluster.Ids[owner]);
        var committed = Stopwatch.GetTimestamp();
        if (reply as string != "OK")
        {
            throw new InvalidOperationException($"CLUSTER SETSLOT {Slot} NODE {cluster.Ids[owner]} answered {reply}");
        }

        Task.WaitAll(watching);
        var brackets = watching.Select(t => t.Result).ToArray();
        return new ChangeSample(
            index, expected, owner,
            Ms(committed - t0),
            [.. brackets.Select(b => Ms(b.By - committed))],
            [.. brackets.Select(b => Ms(b.By - Math.Max(b.NotBefore, t0)))]);
    }

    private static void PrintSetup(ChangeOptions options, HoardCluster cluster, int leader, string key)
    {
        var followers = cluster.Count - cluster.VoterCount;
        Console.WriteLine($"topology changes: {cluster.VoterCount} voters + {followers} follower(s), cluster-node-timeout 1000 ms, "
            + $"{Environment.ProcessorCount} cores, load average {Stats.LoadAverage()}");
        Console.WriteLine($"  {options.Changes} × CLUSTER SETSLOT {Slot} NODE <node 0 | node {cluster.Count - 1}>, alternately, "
            + $"each sent when the last was applied everywhere, to the consensus leader (node {leader})");
        Console.WriteLine(options.EpochProbe
            ? $"  probe: CLUSTER INFO on every node, each on its own connection, until cluster_current_epoch reaches the change's"
            : $"  probe: GET {key} (slot {Slot}) on every node, each on its own connection, until it answers as the new owner "
              + "says (nil there, MOVED to it elsewhere); every node's cluster_current_epoch is checked after each change");
        Console.WriteLine($"  poll: {(options.Pause == TimeSpan.Zero ? "back to back" : $"a {options.Pause.TotalMilliseconds:0.#} ms pause between probes")}");
    }

    private static void PrintResults(HoardCluster cluster, List<ChangeSample> samples, ApplyWatcher[] watchers, ChangeOptions options, long extraEpochs, int? newLeader)
    {
        var voters = Enumerable.Range(0, cluster.VoterCount).ToArray();
        var followers = Enumerable.Range(cluster.VoterCount, cluster.Count - cluster.VoterCount).ToArray();
        var all = voters.Concat(followers).ToArray();
        double[] Latest(ChangeSample s, int[] nodes, double offset) => nodes.Length == 0 ? [] : [nodes.Max(i => s.AppliedAfterCommit[i]) + offset];
        List<double> Of(Func<ChangeSample, IEnumerable<double>> pick) => [.. samples.SelectMany(pick)];

        Console.WriteLine();
        Console.WriteLine(Stats.Header());
        Console.WriteLine(Stats.Row("commit (+OK after t0)", Of(s => [s.CommitMs])));
        Console.WriteLine(Stats.Row("commit -> applied on every voter", Of(s => Latest(s, voters, 0))));
        Console.WriteLine(Stats.Row("commit -> applied on every follower", Of(s => Latest(s, followers, 0))));
        Console.WriteLine(Stats.Row("commit -> applied on every node", Of(s => Latest(s, all, 0))));
        Console.WriteLine(Stats.Row("t0 -> applied on every voter", Of(s => Latest(s, voters, s.CommitMs))));
        Console.WriteLine(Stats.Row("t0 -> applied on every follower", Of(s => Latest(s, followers, s.CommitMs))));
        Console.WriteLine(Stats.Row("t0 -> applied on every node", Of(s => Latest(s, all, s.CommitMs))));
        Console.WriteLine();

        var brackets = Of(s => s.Bracket);
        var trips = watchers.SelectMany(w => w.RoundTrips).ToList();
        var pause = options.Pause > TimeSpan.Zero ? $"; the {options.Pause.TotalMilliseconds:0.#} ms pause between probes widens it" : "";
        Console.WriteLine("precision: a node's apply time is the answer to the first probe that showed the change (an upper");
        Console.WriteLine("  bound); it applied after the last probe that did not show it was sent. That bracket:");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  median {Stats.Median(brackets):0.00} ms, max {brackets.Max():0.00} ms{pause}; probe round trip median {Stats.Median(trips):0.000} ms, p90 {Stats.P90(trips):0.000} ms ({trips.Count:N0} probes)."));
        Console.WriteLine("  'commit -> applied' is negative where a node applied before +OK reached the client.");
        Console.WriteLine(extraEpochs == 0
            ? "epochs: every change moved every node's cluster_current_epoch by exactly 1"
            : $"epochs: {extraEpochs} other change(s) (e.g. node health) were committed during the run besides the {samples.Count}");
        if (newLeader is { } moved)
        {
            Console.WriteLine($"note: the leader changed during the run (now node {moved}): later changes were forwarded to it");
        }

        var everyNode = Of(s => Latest(s, all, 0));
        var median = Stats.Median(everyNode);
        var max = everyNode.Max();
        var verdict = median <= 100 && max <= 100 ? "met" : "NOT met";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"target: commit -> applied on every node <= 100 ms (median and max): median {median:0.0} ms, max {max:0.0} ms: {verdict}"));
        Console.WriteLine($"load average after: {Stats.LoadAverage()}");
    }

    private static void WriteCsv(string path, HoardCluster cluster, List<ChangeSample> samples)
    {
        var text = new StringBuilder("change,epoch,owner,commit_ms");
        for (var i = 0; i < cluster.Count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $",node{i}_after_commit_ms,node{i}_bracket_ms");
        }

        text.AppendLine();
        foreach (var s in samples)
        {
            text.Append(CultureInfo.InvariantCulture, $"{s.Index},{s.Epoch},{s.Owner},{s.CommitMs:0.000}");
            for (var i = 0; i < cluster.Count; i++)
            {
                text.Append(CultureInfo.InvariantCulture, $",{s.AppliedAfterCommit[i]:0.000},{s.Bracket[i]:0.000}");
            }

            text.AppendLine();
        }

        File.WriteAllText(path, text.ToString());
        Console.WriteLine($"per change: {Path.GetFullPath(path)}");
    }

    /// <summary>The leader as node 0 (a voter) sees it, once one is known.</summary>
    private static int Leader(HoardCluster cluster)
    {
        var leader = -1;
        HoardCluster.WaitUntil("a consensus leader is known",
            () => (leader = cluster.IndexOf(HoardCluster.Field(cluster.Info(0), "cluster_consensus_leader"))) >= 0);
        return leader;
    }

    /// <summary>The topology epoch, once every node is at the same one.</summary>
    private static long AgreedEpoch(HoardCluster cluster)
    {
        long[] epochs = [];
        HoardCluster.WaitUntil("every node is at the same topology epoch", () =>
        {
            epochs = [.. Enumerable.Range(0, cluster.Count).Select(i => long.Parse(HoardCluster.Field(cluster.Info(i), "cluster_current_epoch"), CultureInfo.InvariantCulture))];
            return epochs.Distinct().Count() == 1;
        });
        return epochs[0];
    }

    private static long Epoch(RespConnection connection) =>
        long.Parse(HoardCluster.Field((string)connection.Call("CLUSTER", "INFO")!, "cluster_current_epoch"), CultureInfo.InvariantCulture);

    private static string KeyInSlot(int slot) => Enumerable.Range(0, 1_000_000).Select(i => $"key:{i}")
        .First(k => HashSlot.Of(Encoding.UTF8.GetBytes(k)) == slot);

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}

/// <summary>One change: its commit latency, and per node when it was applied (after the commit, ms) and how precisely.</summary>
internal sealed record ChangeSample(int Index, long Epoch, int Owner, double CommitMs, double[] AppliedAfterCommit, double[] Bracket);
