// ClusterBench: how fast a Hoard cluster's topology moves, on real `hoard serve` processes started here on free
// loopback ports (in a temporary directory, all killed at the end, on failure and on Ctrl-C/SIGTERM too).
//
//   bench/cluster.sh changes  [--changes 50] [--nodes 4] [--probe route|epoch] [--poll-pause-ms 0] [--csv FILE]
//       3 voters + (nodes - 3) followers, formed; then CLUSTER SETSLOT changes one after another: commit latency,
//       and commit -> applied on every voter / follower / node (target: <= 100 ms, median and max).
//   bench/cluster.sh failover [--trials 10]
//       3 voters, formed; per trial SIGKILL the leader: time until the survivors agree on a new one, and until a
//       topology change sent to a survivor commits; then restart the killed node and wait until it rejoined.
//
// Exit code 0 = measured (targets are reported, not enforced), 1 = the cluster failed a bounded wait, 2 = bad
// arguments, 130 = interrupted.

using System.Globalization;
using System.Runtime.InteropServices;
using Hoard.Bench.ClusterBench;

if (args.Length == 0 || args[0] is not ("changes" or "failover"))
{
    return Usage();
}

var mode = args[0];
var changes = 50;
var nodes = 4;
var trials = 10;
var epochProbe = false;
var pauseMs = 0.0;
string? csv = null;
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
        case "--trials" when mode == "failover": trials = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        default: return Usage();
    }
}

if (changes < 1 || nodes is < 3 or > 16 || trials < 1 || pauseMs < 0)
{
    Console.Error.WriteLine("need --changes >= 1, 3 <= --nodes <= 16, --trials >= 1, --poll-pause-ms >= 0");
    return 2;
}

using var cluster = new HoardCluster(mode == "changes" ? nodes : 3, voters: 3);
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
    else
    {
        Failover.Run(trials, cluster, interrupted.Token);
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
    return 2;
}
