using System.Diagnostics;
using System.Globalization;
using Hoard.Storage.Keys;

namespace Hoard.Bench.ClusterBench;

/// <summary>
/// Leader loss in a formed 3-voter cluster, trial after trial: SIGKILL the consensus leader, watch the two survivors
/// (CLUSTER INFO every ~5 ms) until both name the same new leader, and time a topology change sent to a survivor right
/// after the kill until it commits; then restart the killed node over its data directory and wait until all three
/// report cluster_state:ok, the same leader and the same epoch.
/// </summary>
internal static class Failover
{
    private const int Slot = HashSlot.Count - 1; // on node 2 after the even split
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(5);

    public static void Run(int trials, HoardCluster cluster, CancellationToken token)
    {
        cluster.StartAll();
        cluster.Form();
        Console.WriteLine($"failover: 3 voters, cluster-node-timeout 1000 ms, Raft election timeout 300-600 ms, "
            + $"{Environment.ProcessorCount} cores, load average {Stats.LoadAverage()}");
        Console.WriteLine($"  per trial: SIGKILL the leader (t0); poll both survivors' CLUSTER INFO every {PollEvery.TotalMilliseconds:0} ms; "
            + $"CLUSTER SETSLOT {Slot} NODE <survivor> sent to that survivor once the killed process is gone, until +OK");
        Console.WriteLine();

        var owner = 2;
        var samples = new List<FailoverSample>();
        for (var trial = 1; trial <= trials; trial++)
        {
            token.ThrowIfCancellationRequested();
            var sample = Trial(cluster, owner);
            owner = sample.ChangedVia;
            samples.Add(sample);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  trial {trial,2}: killed node {sample.Killed}; old leader dropped after {sample.DroppedMs,6:0.0} ms, node {sample.Elected} "
                + $"agreed after {sample.ElectedMs,6:0.0} ms; change via node {sample.ChangedVia} committed after {sample.CommittedMs,6:0.0} ms"
                + $"{(sample.Retries > 0 ? $" ({sample.Retries} refusal(s): {sample.LastRefusal})" : "")}; rejoined {sample.RejoinedMs,6:0} ms after restart"));
        }

        Console.WriteLine();
        Console.WriteLine(Stats.Header());
        Console.WriteLine(Stats.Row("old leader dropped (first survivor)", [.. samples.Select(s => s.DroppedMs)]));
        Console.WriteLine(Stats.Row("new leader agreed by both survivors", [.. samples.Select(s => s.ElectedMs)]));
        Console.WriteLine(Stats.Row("topology change committed after kill", [.. samples.Select(s => s.CommittedMs)]));
        Console.WriteLine(Stats.Row("restart -> all ok, same leader, epoch", [.. samples.Select(s => s.RejoinedMs)]));
        Console.WriteLine();
        Console.WriteLine($"precision: survivors are polled every {PollEvery.TotalMilliseconds:0} ms (two CLUSTER INFO round trips per poll), "
            + "so 'dropped' and 'agreed' are late by up to one poll; the kill is timed just before SIGKILL is sent.");
        Console.WriteLine($"load average after: {Stats.LoadAverage()}");
    }

    private static FailoverSample Trial(HoardCluster cluster, int owner)
    {
        var leader = cluster.IndexOf(HoardCluster.Field(cluster.Info(0), "cluster_consensus_leader"));
        var old = cluster.Endpoint(leader);
        var survivors = Enumerable.Range(0, 3).Where(i => i != leader).ToArray();
        var via = survivors.First(i => i != owner); // a real change: the slot moves to a node that lacks it
        var polls = survivors.Select(cluster.Connect).ToArray();
        using var admin = cluster.Connect(via);
        try
        {
            var t0 = Stopwatch.GetTimestamp();
            cluster.Kill(leader);
            var change = Task.Factory.StartNew(() => CommitChange(admin, cluster.Ids[via]), TaskCreationOptions.LongRunning);
            var (dropped, elected, newLeader) = WaitForNewLeader(polls, old);
            if (!change.Wait(HoardCluster.Bound + HoardCluster.ReplyTimeout))
            {
                throw new TimeoutException("the topology change after the kill did not finish");
            }

            var restarted = Stopwatch.GetTimestamp();
            cluster.Start(leader);
            WaitUntilRejoined(cluster);
            var (committed, retries, refusal) = change.Result;
            return new FailoverSample(leader, cluster.IndexOf(newLeader), via,
                Ms(t0, dropped), Ms(t0, elected), Ms(t0, committed), Stopwatch.GetElapsedTime(restarted).TotalMilliseconds, retries, refusal);
        }
        finally
        {
            foreach (var poll in polls)
            {
                poll.Dispose();
            }
        }
    }

    /// <summary>Polls the survivors until both name the same leader other than <paramref name="old"/>.</summary>
    private static (long Dropped, long Elected, string Leader) WaitForNewLeader(RespConnection[] survivors, string old)
    {
        var deadline = DateTime.UtcNow + HoardCluster.Bound;
        long dropped = 0;
        while (DateTime.UtcNow < deadline)
        {
            var leaders = survivors.Select(s => HoardCluster.Field((string)s.Call("CLUSTER", "INFO")!, "cluster_consensus_leader")).ToArray();
            var now = Stopwatch.GetTimestamp();
            if (dropped == 0 && leaders.Any(l => l != old))
            {
                dropped = now;
            }

            if (leaders.All(l => l == leaders[0]) && leaders[0] != old && leaders[0] != "-")
            {
                return (dropped, now, leaders[0]);
            }

            Thread.Sleep(PollEvery);
        }

        throw new TimeoutException($"the survivors did not agree on a new leader within {HoardCluster.Bound.TotalSeconds:0} s");
    }

    /// <summary>Sends the change until it commits (the node answers +OK); counts the refusals on the way.</summary>
    private static (long Committed, int Retries, string? LastRefusal) CommitChange(RespConnection admin, string nodeId)
    {
        var deadline = DateTime.UtcNow + HoardCluster.Bound;
        var retries = 0;
        string? refusal = null;
        while (true)
        {
            var reply = admin.Call("CLUSTER", "SETSLOT", Slot, "NODE", nodeId);
            if (reply as string == "OK")
            {
                return (Stopwatch.GetTimestamp(), retries, refusal);
            }

            retries++;
            refusal = reply is RespError error ? error.Message : reply?.ToString();
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"CLUSTER SETSLOT {Slot} NODE {nodeId} did not commit within {HoardCluster.Bound.TotalSeconds:0} s: {refusal}");
            }

            Thread.Sleep(PollEvery);
        }
    }

    /// <summary>
    /// All three nodes report cluster_state:ok, the same leader and the same epoch. A node that is starting may answer
    /// CLUSTER INFO with an error for a moment (its client port opens before its cluster mode is attached): not yet.
    /// </summary>
    private static void WaitUntilRejoined(HoardCluster cluster) =>
        HoardCluster.WaitUntil("the restarted node rejoined (all ok, same leader, same epoch)", () =>
        {
            var replies = Enumerable.Range(0, 3).Select(i => cluster.Call(i, "CLUSTER", "INFO")).ToArray();
            if (replies.Any(r => r is not string))
            {
                return false;
            }

            var infos = replies.Cast<string>().ToArray();
            var leaders = infos.Select(i => HoardCluster.Field(i, "cluster_consensus_leader")).Distinct().ToArray();
            return infos.All(i => HoardCluster.Field(i, "cluster_state") == "ok")
                && leaders.Length == 1 && leaders[0] != "-"
                && infos.Select(i => HoardCluster.Field(i, "cluster_current_epoch")).Distinct().Count() == 1;
        });

    private static double Ms(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;
}

/// <summary>One trial: who was killed and elected, which survivor took the change, and the times after the kill (ms).</summary>
internal sealed record FailoverSample(int Killed, int Elected, int ChangedVia, double DroppedMs, double ElectedMs, double CommittedMs, double RejoinedMs, int Retries, string? LastRefusal);
