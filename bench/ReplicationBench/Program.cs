// ReplicationBench: issue 5's replication figures, against `hoard serve` nodes started by bench/replication.sh.
//
//   sync --primary PORT --primary-pid PID --replica PORT --replica-pid PID --test set|get --value-bytes N
//        [--clients 50] [--pipeline 16] [--value-size 32] [--keyspace 100000] [--warmup-s 2] [--baseline-s 6]
//        [--after-s 3] [--timeout-s 300] [--label TEXT]
//       a redis-benchmark load on the loaded primary from start to end; after the warm-up and the baseline, REPLICAOF
//       on the idle replica; the sync is done when the replica's link is up and its offset reached the primary's
//       offset read when it came up. Throughput before / during / after from the load's 250 ms samples that lie
//       wholly in each window. The label (e.g. "redis run 2") starts the result line. The nodes may be hoard or
//       redis-server: only INFO fields both have are read (master_link_status, slave_repl_offset, master_repl_offset,
//       sync_full), and a process's CPU includes its children's (redis-server forks to write its snapshot).
//   lag --primary PORT --primary-pid PID --replica PORT --replica-pid PID [--interval-ms 10] [--idle-s 10] [--load-s 20] [--wait-timeout-ms 1000]
//       [--clients 50] [--pipeline 16] [--value-size 32] [--keyspace 100000]
//       REPLICAOF, then SET + WAIT 1 probes every interval: with no load, then under redis-benchmark -t set.
//
// Lines starting with "result " are the figures, for the script's summary. Exit 0 = measured, 1 = a check failed or
// a bounded wait ran out, 2 = bad arguments.

using System.Globalization;
using Hoard.Bench.ReplicationBench;

if (args.Length == 0 || args[0] is not ("sync" or "lag"))
{
    return Usage();
}

var options = new Dictionary<string, string>
{
    ["--clients"] = "50", ["--pipeline"] = "16", ["--value-size"] = "32", ["--keyspace"] = "100000",
    ["--warmup-s"] = "2", ["--baseline-s"] = "6", ["--after-s"] = "3", ["--timeout-s"] = "300", ["--label"] = "hoard",
    ["--interval-ms"] = "10", ["--idle-s"] = "10", ["--load-s"] = "20", ["--wait-timeout-ms"] = "1000",
};
for (var i = 1; i < args.Length; i += 2)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 == args.Length)
    {
        return Usage();
    }

    options[args[i]] = args[i + 1];
}

int Int(string name) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : throw new ArgumentException($"{name} is required");
TimeSpan Seconds(string name) => TimeSpan.FromSeconds(double.Parse(options[name], CultureInfo.InvariantCulture));

Action run;
try
{
    var load = new LoadOptions(Int("--clients"), Int("--pipeline"), Int("--value-size"), Int("--keyspace"));
    if (args[0] == "sync")
    {
        var sync = new SyncOptions(options["--label"], Int("--primary"), Int("--primary-pid"), Int("--replica"), Int("--replica-pid"),
            options.TryGetValue("--test", out var test) && test is "set" or "get" ? test : throw new ArgumentException("--test set|get is required"), load,
            long.Parse(options.GetValueOrDefault("--value-bytes") ?? throw new ArgumentException("--value-bytes is required"), CultureInfo.InvariantCulture),
            Seconds("--warmup-s"), Seconds("--baseline-s"), Seconds("--after-s"), Seconds("--timeout-s"));
        run = () => SyncRun.Run(sync);
    }
    else
    {
        var lag = new LagOptions(Int("--primary"), Int("--primary-pid"), Int("--replica"), Int("--replica-pid"), load, TimeSpan.FromMilliseconds(Int("--interval-ms")), Seconds("--idle-s"),
            Seconds("--load-s"), Int("--wait-timeout-ms"));
        run = () => LagRun.Run(lag);
    }
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    return Usage();
}

try
{
    run();
    return 0;
}
catch (Exception e)
{
    // Caught, not left unhandled: unwinding disposes the redis-benchmark load.
    Console.Error.WriteLine($"failed: {e.GetType().Name}: {e.Message}");
    return 1;
}

static int Usage()
{
    Console.Error.WriteLine("usage: ReplicationBench sync --primary PORT --primary-pid PID --replica PORT --replica-pid PID --test set|get --value-bytes N [options]");
    Console.Error.WriteLine("       ReplicationBench lag --primary PORT --primary-pid PID --replica PORT --replica-pid PID [options]   (see Program.cs)");
    return 2;
}
