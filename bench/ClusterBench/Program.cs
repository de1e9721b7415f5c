// ClusterBench: how fast a Hoard cluster's topology and slots move, on real `hoard serve` processes started here on free
// loopback ports (in a temporary directory, all killed at the end, on failure and on Ctrl-C/SIGTERM too).
//
//   bench/cluster.sh changes  [--changes 50] [--nodes 4] [--probe route|epoch] [--poll-pause-ms 0] [--csv FILE]
//       3 voters + (nodes - 3) followers, formed; then CLUSTER SETSLOT changes one after another: commit latency,
//       and commit -> applied on every voter / follower / node (target: <= 100 ms, median and max).
//   bench/cluster.sh failover [--trials 10]
//       3 voters, formed; per trial SIGKILL the leader: time until the survivors agree on a new one, and until a
//       topology change sent to a survivor commits; then restart the killed node and wait until it rejoined.
//   bench/cluster.sh primary-failover [--trials 10] [--node-timeout 1500] [--kill-leader] [--writers 4]
//                                     [--load-ms 1000] [--wait-ms 200] [--client default|fail-fast]
//       3 primaries + 3 replicas under a write load through StackExchange.Redis (each SET followed by WAIT 1 on the
//       key's primary); per trial SIGKILL a primary that does not lead the consensus group (--kill-leader: the
//       leader with a primary): time until a write to its slots succeeds again, WAIT-confirmed writes lost; then
//       restart the killed node(s) and wait until every replica is in sync again. --client fail-fast: the client's
//       BacklogPolicy.FailFast (a command for a disconnected node goes to another node, which answers MOVED) instead
//       of its default (queue it for the dead node until it reconnects or the command times out, 5 s).
//       HOARD_BENCH_CLIENT_LOG=1 prints the client's own log, the kill and failed probes, stamped in ms.
//   bench/cluster.sh move [--gb 1] [--value-bytes 1000] [--hash-fields 0] [--slots N] [--rate 64mb|0] [--probes 4]
//                         [--load-clients 4] [--pipeline 16] [--before-ms 5000] [--cold]
//       2 primaries (node 0 the one voter), formed; node 0's first --slots slots (default: all its 8192) filled with --gb GiB of
//       --value-bytes values (strings, or with --hash-fields N hashes of N fields each, which move in pieces); then HOARD.MOVESLOTS moves them to node 1 (--rate: CONFIG SET cluster-move-max-rate
//       first): MiB/s, keys, held_us, both nodes' used_memory; write probes (SET one at a time round the moving slots,
//       following MOVED): latency percentiles, the longest pause in a slot (target <= 50 ms), redirects per slot per
//       probe (target 1), errors; a pipelined GET/SET load over all slots: ops/s before and during the move, ratio.
//       First one empty slot moves from node 1 to node 0 and back, so the measured move is not a node's first (which
//       pays for compiling its code paths, tens of ms inside the hold); --cold skips that.
//
// Exit code 0 = measured (targets are reported, not enforced), 1 = the cluster failed a bounded wait, 2 = bad
// arguments, 130 = interrupted.

using System.Globalization;
using System.Runtime.InteropServices;
using Hoard.Bench.ClusterBench;
using Hoard.Storage.Keys;

if (args.Length == 0 || args[0] is not ("changes" or "failover" or "primary-failover" or "move"))
{
    return Usage();
}

var mode = args[0];
var changes = 50;
var nodes = 4;
var trials = 10;
var nodeTimeout = 1500;
var killLeader = false;
var writers = 4;
var loadMs = 1000;
var waitMs = 200;
var client = ClientSetting.Default;
var epochProbe = false;
var pauseMs = 0.0;
string? csv = null;
var gb = 1.0;
var valueBytes = 1000;
var hashFields = 0;
int? slots = null;
string? rate = null;
var probes = 4;
var loadClients = 4;
var pipeline = 16;
var beforeMs = 5000;
var cold = false;
for (var i = 1; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--changes" when mode == "changes": changes = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--nodes" when mode == "changes": nodes = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--probe" when mode == "changes": epochProbe = Next() switch { "route" => false, "epoch" => true, var p => throw new ArgumentException($"unknown probe {p}") }; break;
        case "--poll-pause-ms" when mode == "changes": pauseMs = double.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--csv" when mode == "changes": csv = Next(); break;
        case "--trials" when mode is "failover" or "primary-failover": trials = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--node-timeout" when mode == "primary-failover": nodeTimeout = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--kill-leader" when mode == "primary-failover": killLeader = true; break;
        case "--writers" when mode == "primary-failover": writers = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--load-ms" when mode == "primary-failover": loadMs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--wait-ms" when mode == "primary-failover": waitMs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--client" when mode == "primary-failover": client = Next() switch
        {
            "default" => ClientSetting.Default,
            "fail-fast" => ClientSetting.FailFast,
            var c => throw new ArgumentException($"unknown client setting {c}"),
        };
        break;
        case "--gb" when mode == "move": gb = double.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--value-bytes" when mode == "move": valueBytes = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--hash-fields" when mode == "move": hashFields = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--slots" when mode == "move": slots = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--rate" when mode == "move": rate = Next(); break;
        case "--probes" when mode == "move": probes = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--load-clients" when mode == "move": loadClients = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--pipeline" when mode == "move": pipeline = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--before-ms" when mode == "move": beforeMs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--cold" when mode == "move": cold = true; break;
        default: return Usage();
    }
}

if (changes < 1 || nodes is < 3 or > 16 || trials < 1 || pauseMs < 0 || nodeTimeout < 100 || writers < 1 || loadMs < 0 || waitMs < 1)
{
    Console.Error.WriteLine("need --changes >= 1, 3 <= --nodes <= 16, --trials >= 1, --poll-pause-ms >= 0, --node-timeout >= 100, "
        + "--writers >= 1, --load-ms >= 0, --wait-ms >= 1");
    return 2;
}

if (gb <= 0 || valueBytes < 1 || hashFields < 0 || slots is < 1 or > HashSlot.Count / 2 || probes < 1 || loadClients < 1 || pipeline < 1 || beforeMs < 100)
{
    Console.Error.WriteLine($"need --gb > 0, --value-bytes >= 1, --hash-fields >= 0, 1 <= --slots <= {HashSlot.Count / 2}, --probes >= 1, --load-clients >= 1, "
        + "--pipeline >= 1, --before-ms >= 100");
    return 2;
}

using var cluster = mode switch
{
    "changes" => new HoardCluster(nodes, voters: 3),
    "failover" => new HoardCluster(3, voters: 3),
    "move" => new HoardCluster(2, voters: 1), // the consensus group takes 1, 3 or 5 voters
    _ => new HoardCluster(6, voters: 3, nodeTimeout),
};
using var interrupted = new CancellationTokenSource();
void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    interrupted.Cancel();
    cluster.KillAll(); // whatever the run waits on fails at once, and nothing outlives this process
}

using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.KillAll();
try
{
    if (mode == "changes")
    {
        ChangeLatency.Run(new ChangeOptions(changes, nodes, epochProbe, TimeSpan.FromMilliseconds(pauseMs), csv), cluster, interrupted.Token);
    }
    else if (mode == "failover")
    {
        Failover.Run(trials, cluster, interrupted.Token);
    }
    else if (mode == "move")
    {
        SlotMove.Run(new MoveOptions(gb, valueBytes, hashFields, slots, rate, probes, loadClients, pipeline, TimeSpan.FromMilliseconds(beforeMs), cold), cluster, interrupted.Token);
    }
    else
    {
        PrimaryFailover.Run(new PrimaryFailoverOptions(trials, killLeader, writers, TimeSpan.FromMilliseconds(loadMs), waitMs, client), cluster, interrupted.Token);
    }

    return 0;
}
catch (Exception) when (interrupted.IsCancellationRequested)
{
    Console.Error.WriteLine("interrupted: every hoard process was killed");
    return 130;
}
catch (Exception e)
{
    var cause = e is AggregateException aggregate ? aggregate.Flatten().InnerExceptions[0] : e;
    cluster.KeepFiles = true;
    Console.Error.WriteLine($"failed: {cause.GetType().Name}: {cause.Message}");
    Console.Error.WriteLine($"node logs and data kept in {cluster.Directory}");
    return 1;
}

static int Usage()
{
    Console.Error.WriteLine("usage: ClusterBench changes [--changes 50] [--nodes 4] [--probe route|epoch] [--poll-pause-ms 0] [--csv FILE]");
    Console.Error.WriteLine("       ClusterBench failover [--trials 10]");
    Console.Error.WriteLine("       ClusterBench primary-failover [--trials 10] [--node-timeout 1500] [--kill-leader] [--writers 4] [--load-ms 1000] [--wait-ms 200] [--client default|fail-fast]");
    Console.Error.WriteLine("       ClusterBench move [--gb 1] [--value-bytes 1000] [--hash-fields 0] [--slots N] [--rate 64mb|0] [--probes 4] [--load-clients 4] [--pipeline 16] [--before-ms 5000] [--cold]");
    return 2;
}
