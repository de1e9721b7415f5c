using System.Globalization;

namespace Hoard.Bench.ReplicationBench;

internal sealed record SyncOptions(
    string Label, int PrimaryPort, int PrimaryPid, int ReplicaPort, int ReplicaPid, string Test, LoadOptions Load, long ValueBytes,
    TimeSpan Warmup, TimeSpan Baseline, TimeSpan After, TimeSpan Timeout);

/// <summary>
/// One full sync of an idle replica from a loaded primary, under a continuous redis-benchmark load on the primary:
/// the load's throughput in the <see cref="SyncOptions.Baseline"/> before REPLICAOF, during the sync (REPLICAOF →
/// the replica's link up and its offset at the primary's offset of that moment), and <see cref="SyncOptions.After"/>
/// it; the sync's duration and rate.
/// </summary>
internal static class SyncRun
{
    private const int PollMs = 10;

    public static void Run(SyncOptions o)
    {
        using var primary = Node.Open(o.PrimaryPort);
        using var replica = Node.Open(o.ReplicaPort);
        var fullSyncsBefore = Node.InfoLong(primary, "stats", "sync_full");
        using var load = new BenchmarkLoad(o.PrimaryPort, o.Test, o.Load);
        Console.WriteLine($"  load: redis-benchmark {load.Arguments}");
        load.WaitUntilRunning(Node.Bound);
        Thread.Sleep(o.Warmup);
        var baselineCpu = CpuTimes.Of(o, load);
        Thread.Sleep(o.Baseline);

        var syncCpu = CpuTimes.Of(o, load);
        var t0 = Clock.Ms;
        if (replica.Call("REPLICAOF", "127.0.0.1", o.PrimaryPort) is not "OK")
        {
            throw new InvalidDataException("REPLICAOF was refused");
        }

        double up = double.NaN, done, lastReply = Clock.Ms, longestGap = 0;
        long target = 0, linkBytes = -1, polls = 0;
        while (true)
        {
            var info = Node.Info(replica, "replication");
            var now = Clock.Ms;
            longestGap = Math.Max(longestGap, now - lastReply);
            lastReply = now;
            if (double.IsNaN(up) && info["master_link_status"] == "up")
            {
                up = now;
                target = Node.InfoLong(primary, "replication", "master_repl_offset");
                linkBytes = Node.LinkBytesReceived(o.ReplicaPid, o.PrimaryPort);
            }

            if (!double.IsNaN(up) && long.Parse(info["slave_repl_offset"], CultureInfo.InvariantCulture) >= target)
            {
                done = now;
                break;
            }

            // Every ~1 s: a replica dropped by the primary (e.g. past client-output-buffer-limit replica) syncs in full
            // again, and this sync's figures are void: stop now rather than at the timeout.
            if (++polls % 100 == 0 && Node.InfoLong(primary, "stats", "sync_full") - fullSyncsBefore > 1)
            {
                throw new InvalidDataException("the primary started a second full sync (it dropped the replica): the figures are void");
            }

            if (now - t0 > o.Timeout.TotalMilliseconds)
            {
                var started = Node.InfoLong(primary, "stats", "sync_full") - fullSyncsBefore;
                throw new TimeoutException($"the sync did not complete within {o.Timeout.TotalSeconds:0} s ({started} full syncs started: a replica more than the backlog behind starts over)");
            }

            Thread.Sleep(PollMs);
        }

        var endCpu = CpuTimes.Of(o, load);
        Thread.Sleep(o.After);
        var samples = load.Samples;
        load.Dispose();

        // With the load stopped the replica must reach the primary's offset and hold as many keys; one full sync only.
        var end = Node.InfoLong(primary, "replication", "master_repl_offset");
        Node.WaitUntil("the replica reached the primary's offset", () => Node.InfoLong(replica, "replication", "slave_repl_offset") >= end, Node.Bound);
        var (primaryKeys, replicaKeys) = (Node.DbSize(primary), Node.DbSize(replica));
        var fullSyncs = Node.InfoLong(primary, "stats", "sync_full") - fullSyncsBefore;

        var before = BenchmarkLoad.Over(samples, baselineCpu.Ms, t0);
        var during = BenchmarkLoad.Over(samples, t0, done);
        var after = BenchmarkLoad.Over(samples, done, done + o.After.TotalMilliseconds);
        var seconds = (done - t0) / 1000;
        var mib = o.ValueBytes / 1048576.0;
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"  REPLICAOF → link up {up - t0,8:0} ms   → caught up (offset {target:N0}) {done - t0,8:0} ms"));
        Console.WriteLine(string.Create(inv, $"  rate: {mib:0} MiB of values / {seconds:0.00} s = {mib / seconds:0.0} MiB/s;  link bytes received by link up: {linkBytes / 1048576.0:0} MiB ({linkBytes / 1048576.0 / ((up - t0) / 1000):0.0} MiB/s)"));
        Console.WriteLine(string.Create(inv, $"  {o.Test.ToUpperInvariant()} rps   before {before.Rps,10:0}   during {during.Rps,10:0}   after {after.Rps,10:0}   during/before {during.Rps / before.Rps:0.00}   after/before {after.Rps / before.Rps:0.00}"));
        Console.WriteLine(string.Create(inv, $"  samples: before {before.Count} ({before.CoveredMs:0} ms of {o.Baseline.TotalMilliseconds:0}), during {during.Count} ({during.CoveredMs:0} ms of {done - t0:0}: {during.CoveredMs / (done - t0):P0} of the sync), after {after.Count}"));
        var (baseCores, syncCores) = (baselineCpu.CoresUntil(syncCpu), syncCpu.CoresUntil(endCpu));
        Console.WriteLine(string.Create(inv, $"  CPU cores used, baseline → sync: primary {baseCores.Primary:0.00} → {syncCores.Primary:0.00}   replica {baseCores.Replica:0.00} → {syncCores.Replica:0.00}   redis-benchmark {baseCores.Load:0.00} → {syncCores.Load:0.00}   (load average {File.ReadAllText("/proc/loadavg")[..14]})"));
        Console.WriteLine(string.Create(inv, $"  primary CPU per request: before {baseCores.Primary * 1e6 / before.Rps:0.00} µs, during {syncCores.Primary * 1e6 / during.Rps:0.00} µs (sending the snapshot included)"));
        Console.WriteLine(string.Create(inv, $"  replica INFO polled every {PollMs} ms during the sync: longest time between two replies {longestGap:0} ms"));
        Console.WriteLine(string.Create(inv, $"  check: keys primary {primaryKeys:N0} replica {replicaKeys:N0}; full syncs served {fullSyncs}"));
        if (primaryKeys != replicaKeys || fullSyncs != 1)
        {
            throw new InvalidDataException("the replica does not hold the primary's keys, or the sync started over: the figures are void");
        }

        Console.WriteLine(string.Create(inv,
            $"result sync {o.Label}: {o.Test} seconds={seconds:0.00} mib_per_s={mib / seconds:0.0} link_mib={linkBytes / 1048576.0:0} rps_before={before.Rps:0} rps_during={during.Rps:0} ratio={during.Rps / before.Rps:0.00} after_ratio={after.Rps / before.Rps:0.00} covered={during.CoveredMs / (done - t0):0.00}"));
    }

    /// <summary>CPU seconds used so far by the primary, the replica and the load, at <see cref="Ms"/>.</summary>
    private readonly record struct CpuTimes(double Ms, double Primary, double Replica, double Load)
    {
        public static CpuTimes Of(SyncOptions o, BenchmarkLoad load) =>
            new(Clock.Ms, Node.CpuSeconds(o.PrimaryPid), Node.CpuSeconds(o.ReplicaPid), Node.CpuSeconds(load.Pid));

        /// <summary>Cores each used from this point to <paramref name="later"/>.</summary>
        public CpuTimes CoresUntil(CpuTimes later)
        {
            var seconds = (later.Ms - Ms) / 1000;
            return new(later.Ms - Ms, (later.Primary - Primary) / seconds, (later.Replica - Replica) / seconds, (later.Load - Load) / seconds);
        }
    }
}
