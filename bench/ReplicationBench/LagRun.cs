using System.Globalization;
using Hoard.Bench.ClusterBench;

namespace Hoard.Bench.ReplicationBench;

internal sealed record LagOptions(
    int PrimaryPort, int PrimaryPid, int ReplicaPort, int ReplicaPid, LoadOptions Load, TimeSpan Interval, TimeSpan Idle, TimeSpan Loaded, int WaitTimeoutMs);

/// <summary>
/// Replication lag of single writes: every <see cref="LagOptions.Interval"/>, on a connection of its own,
/// <c>SET lagprobe:i ts</c> and <c>WAIT 1 timeout</c> in one write; the lag is the time from sending them to WAIT's
/// reply — the primary applied the SET, streamed its record, and the replica applied it and acknowledged (a replica
/// acknowledges after every burst it applied, with no timer, so the figure is not an acknowledgement period). Also
/// from SET's reply (sent before WAIT starts waiting) to WAIT's: the replication part without the write's own latency.
/// First with no other load, then under a redis-benchmark SET load. A replica more than the backlog behind is dropped
/// and syncs in full again: such resyncs are counted (WAITs meanwhile measure the resync).
/// </summary>
internal static class LagRun
{
    public static void Run(LagOptions o)
    {
        using var primary = Node.Open(o.PrimaryPort);
        using var replica = Node.Open(o.ReplicaPort);
        if (replica.Call("REPLICAOF", "127.0.0.1", o.PrimaryPort) is not "OK")
        {
            throw new InvalidDataException("REPLICAOF was refused");
        }

        Node.WaitUntil("the replica's link is up", () => Node.Info(replica, "replication")["master_link_status"] == "up", Node.Bound);
        var fullSyncs = Node.InfoLong(primary, "stats", "sync_full");
        using var probe = Node.Open(o.PrimaryPort);

        var idle = Probe(probe, o, o.Idle, 0);
        var resyncs = Node.InfoLong(primary, "stats", "sync_full") - fullSyncs;
        Console.WriteLine($"  no load:  {Percentiles.Summary(idle.Lags)}  timed out {idle.TimedOut}  full resyncs {resyncs}");
        Console.WriteLine($"    from SET's reply: {Percentiles.Summary(idle.AfterReply)}");
        Result("idle", idle, double.NaN, resyncs);

        using (var load = new BenchmarkLoad(o.PrimaryPort, "set", o.Load))
        {
            Console.WriteLine($"  load: redis-benchmark {load.Arguments}");
            load.WaitUntilRunning(Node.Bound);
            var from = Clock.Ms;
            var (primaryCpu, replicaCpu) = (Node.CpuSeconds(o.PrimaryPid), Node.CpuSeconds(o.ReplicaPid));
            var (written, applied) = (Node.InfoLong(primary, "replication", "master_repl_offset"), Node.InfoLong(replica, "replication", "slave_repl_offset"));
            var loaded = Probe(probe, o, o.Loaded, idle.Lags.Count);
            var seconds = (Clock.Ms - from) / 1000;
            primaryCpu = Node.CpuSeconds(o.PrimaryPid) - primaryCpu;
            replicaCpu = Node.CpuSeconds(o.ReplicaPid) - replicaCpu;
            written = Node.InfoLong(primary, "replication", "master_repl_offset") - written;
            applied = Node.InfoLong(replica, "replication", "slave_repl_offset") - applied;
            var rps = BenchmarkLoad.Over(load.Samples, from, Clock.Ms).Rps;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  stream: primary wrote {written / seconds / 1048576:0.0} MiB/s using {primaryCpu / seconds:0.00} cores, replica applied {applied / seconds / 1048576:0.0} MiB/s using {replicaCpu / seconds:0.00} cores ({replicaCpu * 1000 / Math.Max(1, applied / 1048576.0):0} ms of CPU per MiB applied)"));
            var loadedResyncs = Node.InfoLong(primary, "stats", "sync_full") - fullSyncs - resyncs;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  SET load: {Percentiles.Summary(loaded.Lags)}  timed out {loaded.TimedOut}  full resyncs {loadedResyncs}  (load {rps:0} SET/s, load average {File.ReadAllText("/proc/loadavg")[..14]})"));
            Console.WriteLine($"    from SET's reply: {Percentiles.Summary(loaded.AfterReply)}");
            Result("set", loaded, rps, loadedResyncs);
        }

        var end = Node.InfoLong(primary, "replication", "master_repl_offset");
        Node.WaitUntil("the replica reached the primary's offset", () => Node.InfoLong(replica, "replication", "slave_repl_offset") >= end, Node.Bound);
    }

    /// <summary>Per acknowledged probe: SET sent → WAIT's reply, and SET's reply → WAIT's reply; WAITs that timed out.</summary>
    private sealed record Outcome(List<double> Lags, List<double> AfterReply, int TimedOut);

    /// <summary>Probes on a fixed schedule for <paramref name="duration"/>; a probe slot that passed while the previous one was out is skipped.</summary>
    private static Outcome Probe(RespConnection probe, LagOptions o, TimeSpan duration, int firstIndex)
    {
        var (lags, afterReply) = (new List<double>(), new List<double>());
        var timedOut = 0;
        var start = Clock.Ms;
        var interval = o.Interval.TotalMilliseconds;
        for (var i = firstIndex; Clock.Ms - start < duration.TotalMilliseconds; i++)
        {
            var sent = Clock.Ms;
            probe.SendAll(["SET", $"lagprobe:{i}", sent.ToString("0.000", CultureInfo.InvariantCulture)], ["WAIT", 1, o.WaitTimeoutMs]);
            var ok = probe.ReadReply();
            var applied = Clock.Ms; // the primary sends +OK before it waits for WAIT's acknowledgements
            var reply = probe.ReadReply();
            var acked = Clock.Ms;
            if (ok is not "OK" || reply is not long acknowledged)
            {
                throw new InvalidDataException($"the probe got '{ok}', '{reply}'");
            }

            if (acknowledged >= 1)
            {
                lags.Add(acked - sent);
                afterReply.Add(acked - applied);
            }
            else
            {
                timedOut++;
            }

            var next = start + (Math.Floor((Clock.Ms - start) / interval) + 1) * interval;
            Thread.Sleep(TimeSpan.FromMilliseconds(Math.Max(0, next - Clock.Ms)));
        }

        return new Outcome(lags, afterReply, timedOut);
    }

    /// <summary>The summary line; <paramref name="resyncs"/>: full syncs the primary served meanwhile (the replica fell out of the backlog).</summary>
    private static void Result(string load, Outcome outcome, double rps, long resyncs)
    {
        var sorted = outcome.Lags.Order().ToArray();
        var fromReply = outcome.AfterReply.Order().ToArray();
        Console.WriteLine(sorted.Length == 0 ? $"result lag {load} count=0 timed_out={outcome.TimedOut}" : string.Create(CultureInfo.InvariantCulture,
            $"result lag {load} count={sorted.Length} p50_ms={Percentiles.Of(sorted, 50):0.000} p99_ms={Percentiles.Of(sorted, 99):0.000} max_ms={sorted[^1]:0.000} from_reply_p50_ms={Percentiles.Of(fromReply, 50):0.000} from_reply_p99_ms={Percentiles.Of(fromReply, 99):0.000} timed_out={outcome.TimedOut} resyncs={resyncs} load_rps={rps:0}"));
    }
}
