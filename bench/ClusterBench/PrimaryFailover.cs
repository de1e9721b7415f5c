using System.Diagnostics;
using System.Globalization;
using System.Text;
using Hoard.Storage.Keys;
using StackExchange.Redis;

namespace Hoard.Bench.ClusterBench;

/// <summary>How <c>primary-failover</c> runs.</summary>
internal sealed record PrimaryFailoverOptions(int Trials, bool KillLeader, int Writers, TimeSpan Load, int WaitMs, ClientSetting Client);

/// <summary>The client: StackExchange.Redis as it comes, or with <c>BacklogPolicy.FailFast</c>.</summary>
internal enum ClientSetting
{
    Default,
    FailFast,
}

/// <summary>One trial's figures: ms after the kill, counts of writes.</summary>
internal sealed record PrimaryTrial(
    string Kind, double FailedSeenMs, double PromotedSeenMs, double ProbeMs, double WriterMs,
    int Writes, int ConfirmedBeforeKill, int ConfirmedInShard, int Lost, int UnconfirmedOk, int UnconfirmedLost, double RejoinMs);

/// <summary>
/// 3 primaries + 3 replicas under a steady write load through StackExchange.Redis (<see cref="WriteLoad"/>); per
/// trial SIGKILL a primary (by default one that does not lead the consensus group; with --kill-leader, the leader
/// with a primary), time until a write to its slots succeeds again (<see cref="ShardProbe"/>), check that every write
/// a replica had acknowledged (WAIT 1) before the kill is on the new primary, then restart the killed nodes and wait
/// until the cluster is whole and every replica in sync.
/// </summary>
internal static class PrimaryFailover
{
    private static readonly TimeSpan AfterFirstWrite = TimeSpan.FromMilliseconds(300);

    public static void Run(PrimaryFailoverOptions options, HoardCluster cluster, CancellationToken token)
    {
        cluster.StartAll();
        ReplicaLayout.Form(cluster);
        PrintSetup(options, cluster);
        var trials = new List<PrimaryTrial>();
        for (var trial = 1; trial <= options.Trials; trial++)
        {
            token.ThrowIfCancellationRequested();
            var nodes = ReplicaLayout.Nodes(cluster, 0);
            var leader = cluster.IndexOf(HoardCluster.Field(cluster.Info(0), "cluster_consensus_leader"));
            var plan = options.KillLeader
                ? FailoverPlan.LeaderWithPrimary(cluster, nodes, leader) ?? FailoverPlan.MakeRoom(cluster, nodes, leader)
                : FailoverPlan.PrimaryNotLeading(cluster, nodes, leader, trial);
            var result = Trial(cluster, plan, options, trial);
            trials.Add(result);
            Print(trial, plan, result, cluster);
            if (plan.Kind == FailoverPlan.Rearrange)
            {
                trial--; // not a trial of the kind asked for
            }
        }

        PrintSummary(trials);
    }

    private static PrimaryTrial Trial(HoardCluster cluster, FailoverPlan plan, PrimaryFailoverOptions options, int trial)
    {
        using var redis = Connect(cluster, options.Client);
        var load = new WriteLoad(redis, $"t{trial}{(plan.Kind == FailoverPlan.Rearrange ? "r" : "")}", options.WaitMs);
        load.Start(options.Writers);
        Thread.Sleep(options.Load);

        var survivor = Enumerable.Range(0, cluster.Count).First(i => !plan.Kill.Contains(i));
        var probeKeys = KeysIn(plan.Primary, $"probe{trial}");
        long t0;
        long firstWrite;
        using (var watch = new TopologyWatch(cluster.Connect(survivor), plan.Primary.Id, plan.Replica.Id))
        {
            t0 = Stopwatch.GetTimestamp();
            ClientLog.Note($"SIGKILL node(s) {string.Join('+', plan.Kill)}");
            foreach (var node in plan.Kill)
            {
                cluster.Kill(node);
            }

            var dead = Stopwatch.GetTimestamp(); // Kill returns once the process is gone
            firstWrite = ShardProbe.FirstSuccessAsync(redis, probeKeys, HoardCluster.Bound).GetAwaiter().GetResult();
            Thread.Sleep(AfterFirstWrite);
            load.StopAsync().GetAwaiter().GetResult();
            HoardCluster.WaitUntil("the survivor's CLUSTER NODES shows the promotion", () => watch.PromotedSeen != 0 || watch.Error is not null);
            var results = load.Results.ToList();
            var check = Verify(redis, results, plan.Primary, t0);
            var writerFirst = results.Where(r => r.Ok && r.Sent >= dead && plan.Primary.Owns(Slot(r.Key))).Select(r => r.Done).DefaultIfEmpty(0).Min();

            var restarted = Stopwatch.GetTimestamp();
            foreach (var node in plan.Kill)
            {
                cluster.Start(node);
            }

            ReplicaLayout.WaitUntilWholeAndInSync(cluster);
            return new PrimaryTrial(plan.Kind, Ms(t0, watch.FailedSeen), Ms(t0, watch.PromotedSeen), Ms(t0, firstWrite), Ms(t0, writerFirst),
                results.Count, check.ConfirmedBeforeKill, check.ConfirmedInShard, check.Lost, check.UnconfirmedOk, check.UnconfirmedLost,
                Stopwatch.GetElapsedTime(restarted).TotalMilliseconds);
        }
    }

    /// <summary>Reads back every write that returned OK, from the primaries: which are missing.</summary>
    private static (int ConfirmedBeforeKill, int ConfirmedInShard, int Lost, int UnconfirmedOk, int UnconfirmedLost) Verify(
        IConnectionMultiplexer redis, List<WriteResult> results, NodeRow failed, long t0)
    {
        var db = redis.GetDatabase();
        var ok = results.Where(r => r.Ok).ToList();
        var values = ok.Select(r => db.StringGetAsync(r.Key, CommandFlags.DemandMaster)).ToArray();
        Task.WaitAll(values);
        var present = ok.Select((r, i) => values[i].Result == r.Key).ToArray();
        var confirmed = ok.Select((r, i) => (r, Present: present[i])).Where(x => x.r.Confirmed != 0 && x.r.Confirmed < t0).ToList();
        var unconfirmed = ok.Select((r, i) => (r, Present: present[i])).Where(x => x.r.Confirmed == 0 || x.r.Confirmed >= t0).ToList();
        return (confirmed.Count, confirmed.Count(x => failed.Owns(Slot(x.r.Key))), confirmed.Count(x => !x.Present),
            unconfirmed.Count, unconfirmed.Count(x => !x.Present));
    }

    private static ConnectionMultiplexer Connect(HoardCluster cluster, ClientSetting client)
    {
        var options = new ConfigurationOptions { AbortOnConnectFail = true, ConnectTimeout = 5000 };
        if (ClientLog.Enabled)
        {
            options.LoggerFactory = ClientLog.Factory();
        }

        if (client == ClientSetting.FailFast)
        {
            options.BacklogPolicy = BacklogPolicy.FailFast;
        }

        foreach (var port in cluster.Ports)
        {
            options.EndPoints.Add("127.0.0.1", port);
        }

        return ConnectionMultiplexer.Connect(options);
    }

    /// <summary>Keys whose slots <paramref name="primary"/> serves.</summary>
    private static List<string> KeysIn(NodeRow primary, string prefix) =>
        [.. Enumerable.Range(0, 1_000_000).Select(i => $"{prefix}:{i}").Where(k => primary.Owns(Slot(k))).Take(1000)];

    private static int Slot(string key) => HashSlot.Of(Encoding.UTF8.GetBytes(key));

    private static double Ms(long from, long to) => to == 0 ? double.NaN : Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;

    private static void PrintSetup(PrimaryFailoverOptions options, HoardCluster cluster)
    {
        Console.WriteLine($"primary-failover{(options.KillLeader ? " --kill-leader" : "")}: 3 primaries + 3 replicas (nodes 0-2 vote), "
            + $"cluster-node-timeout {cluster.NodeTimeoutMs} ms, {Environment.ProcessorCount} cores, load average {Stats.LoadAverage()}");
        Console.WriteLine($"  load: {options.Writers} writers through StackExchange.Redis, each SET of a new key followed by WAIT 1 {options.WaitMs} "
            + $"on the key's primary; {options.Load.TotalMilliseconds:0} ms of load before each kill; "
            + $"client: StackExchange.Redis {ClientText(options.Client)}");
        Console.WriteLine("  failover time: t0 (just before SIGKILL) -> first OK of a SET to the dead primary's slots, a new one sent every 10 ms");
        Console.WriteLine();
    }

    private static string ClientText(ClientSetting client) => client switch
    {
        ClientSetting.FailFast => "with BacklogPolicy.FailFast, other settings default",
        _ => "defaults",
    };

    private static void Print(int trial, FailoverPlan plan, PrimaryTrial t, HoardCluster cluster) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {(plan.Kind == FailoverPlan.Rearrange ? "  (re)" : $"trial {trial,2}")}: {plan.Kind}, killed node(s) {string.Join('+', plan.Kill)} "
            + $"(shard at slot {plan.Primary.FirstSlot}, replica node {Array.IndexOf(cluster.Ports, plan.Replica.Port)}): failed {t.FailedSeenMs,6:0} ms, "
            + $"promoted {t.PromotedSeenMs,6:0} ms, first write {t.ProbeMs,6:0} ms (writers {t.WriterMs,6:0}); {t.Writes} writes, "
            + $"{t.ConfirmedBeforeKill} confirmed before the kill ({t.ConfirmedInShard} in the shard), lost {t.Lost}; "
            + $"unconfirmed OK {t.UnconfirmedOk}, missing {t.UnconfirmedLost}; whole and in sync {t.RejoinMs,5:0} ms after restart"));

    private static void PrintSummary(List<PrimaryTrial> trials)
    {
        foreach (var group in trials.GroupBy(t => t.Kind))
        {
            var list = group.ToList();
            Console.WriteLine();
            Console.WriteLine($"{group.Key}: {list.Count} trial(s)");
            Console.WriteLine(Stats.Header());
            Console.WriteLine(Stats.Row("dead primary shown failed", [.. list.Select(t => t.FailedSeenMs)]));
            Console.WriteLine(Stats.Row("replica shown primary", [.. list.Select(t => t.PromotedSeenMs)]));
            Console.WriteLine(Stats.Row("FAILOVER: first write OK (probe)", [.. list.Select(t => t.ProbeMs)]));
            Console.WriteLine(Stats.Row("first write OK (a writer, in turn)", [.. list.Select(t => t.WriterMs).Where(m => !double.IsNaN(m))]));
            Console.WriteLine(Stats.Row("restart -> whole and in sync", [.. list.Select(t => t.RejoinMs)]));
            Console.WriteLine($"  writes confirmed by WAIT 1 before the kill: {list.Sum(t => t.ConfirmedBeforeKill)} "
                + $"({list.Sum(t => t.ConfirmedInShard)} in the failed shards); LOST: {list.Sum(t => t.Lost)}");
            Console.WriteLine($"  other writes answered OK: {list.Sum(t => t.UnconfirmedOk)}, missing afterwards: {list.Sum(t => t.UnconfirmedLost)}");
        }

        Console.WriteLine();
        Console.WriteLine($"load average after: {Stats.LoadAverage()}");
    }
}
