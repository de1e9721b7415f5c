using System.Diagnostics;
using System.Globalization;

namespace Hoard.Bench.ClusterBench;

/// <summary>The <c>move</c> mode's printed table.</summary>
internal static class MoveReport
{
    private const double PauseTarget = 50;
    private const double MiB = 1 << 20;

    public static void Setup(MoveOptions o, int start, int end, long keys, long rate) => Console.WriteLine(
        FormattableString.Invariant($"move: 2 primaries (node 0 the one voter); slots {start}-{end} of node 0 move to node 1; {o.Gb:0.###} GiB = {keys:N0} {(o.HashFields > 0 ? FormattableString.Invariant($"hashes x {o.HashFields:N0} fields") : "keys")} x {o.ValueBytes} B there; ")
        + FormattableString.Invariant($"cluster-move-max-rate {(rate == 0 ? "0 (unpaced)" : FormattableString.Invariant($"{rate / MiB:0.#} MiB/s"))}{(o.Rate is null ? " (node default)" : "")}; ")
        + FormattableString.Invariant($"{(o.Cold ? "each node's first move" : "after a warm-up move of an empty slot each way")}; {o.Probes} write probes; load {o.LoadClients} clients x pipeline {o.Pipeline}; {Environment.ProcessorCount} cores, load average {Stats.LoadAverage()}"));

    public static void Results(MoveOptions o, MoveMeasure m, MoveProbe probe, MixedLoad load)
    {
        var reply = m.Reply.Split(' ').Select(f => f.Split('=')).ToDictionary(f => f[0], f => long.Parse(f[1], CultureInfo.InvariantCulture));
        var slots = m.End - m.Start + 1;
        Line($"  fill: {m.FillKeys:N0} keys in {m.Fill.TotalSeconds:0.0} s ({m.FillKeys * o.ValueBytes * Math.Max(1, o.HashFields) / MiB / m.Fill.TotalSeconds:0} MiB/s of values, pipelined)");
        Line($"");
        Line($"  migration: HOARD.MOVESLOTS <node 1> {m.Start} {m.End} sent to node 0 -> {m.Reply}");
        Row($"keys sent by the walk", $"{reply["keys"]:N0}");
        Row($"bytes sent (reply)", $"{reply["bytes"]:N0} B = {reply["bytes"] / MiB:0.0} MiB");
        Row($"elapsed (client / server)", $"{m.Elapsed.TotalMilliseconds:N0} ms / {reply["ms"]:N0} ms");
        Row($"throughput", $"{reply["bytes"] / MiB / m.Elapsed.TotalSeconds:0.0} MiB/s (reply bytes / client elapsed)");
        Row($"slots' commands held (server)", $"{reply["held_us"] / 1000.0:0.0} ms (waiting {reply["waiting_us"] / 1000.0:0.0} + stream {reply["stream_us"] / 1000.0:0.0} + consensus {reply["consensus_us"] / 1000.0:0.0}, then routes)");
        Memory("source", m.Source.Before, m.Source.After);
        Memory("target", m.Target.Before, m.Target.After);
        Row($"target keys in the moved slots", $"{m.TargetKeys:N0} (expected {m.ExpectedKeys:N0}: fill + {o.Probes} probe keys a slot + load keys there){(m.TargetKeys == m.ExpectedKeys ? "" : "  MISMATCH")}");
        Line($"");
        Probes(m, probe, slots);
        Line($"");
        var before = Stopwatch.GetElapsedTime(m.WindowStarted, m.MoveStarted).TotalSeconds;
        var during = m.Elapsed.TotalSeconds;
        var (beforeRate, duringRate) = (m.LoadBefore / before, m.LoadDuring / during);
        Line($"  load: GET/SET 50/50 over {MixedLoad.Keys:N0} keys in all slots, {o.LoadClients} clients x pipeline {o.Pipeline}, following MOVED");
        Row($"ops/s before the move ({before:0.0} s)", $"{beforeRate:N0}");
        Row($"ops/s during the move ({during:0.0} s)", $"{duringRate:N0}");
        Row($"during / before", $"{duringRate / beforeRate:0.00}");
        Row($"redirects, errors", $"{load.Redirects:N0}, {load.Errors:N0}{(load.FirstError is { } e ? $" (first: {e})" : "")}");
        Line($"");
        Line($"load average after: {Stats.LoadAverage()}");
    }

    private static void Probes(MoveMeasure m, MoveProbe probe, int slots)
    {
        var all = probe.Samples.SelectMany(s => s).ToList();
        var before = all.Where(s => s.Sent >= m.WindowStarted && s.Sent < m.MoveStarted).ToList();
        var during = all.Where(s => s.Sent >= m.MoveStarted).ToList();
        Line($"  write probes: {probe.Count} clients, SET one at a time round the {slots:N0} moving slots, following MOVED (latency includes the resend)");
        Line($"    {"ms",-36} {"commands",9} {"p50",8} {"p99",8} {"p99.9",8} {"max",8}");
        Latencies("before the move", before);
        Latencies("move + one round after", during);
        var longest = during.GroupBy(s => s.Slot).Select(g => (Slot: g.Key, Ms: g.Max(s => s.Ms))).OrderBy(x => x.Ms).ToArray();
        if (longest.Length > 0)
        {
            var worst = longest[^1];
            Row($"longest pause a client saw", $"{worst.Ms:0.0} ms in slot {worst.Slot} (target <= {PauseTarget:0} ms){(worst.Ms > PauseTarget ? "  OVER" : "")}");
            Longest("longest redirected (hold + resend)", during.Where(s => s.Redirected), m);
            Longest("longest not redirected", during.Where(s => !s.Redirected), m);
            foreach (var (p, samples) in probe.Samples.Index())
            {
                Longest($"probe {p}'s longest", samples.Where(s => s.Sent >= m.MoveStarted), m);
            }

            Row($"slots' longest: median, over 50 ms", $"{longest[longest.Length / 2].Ms:0.0} ms, {longest.Count(x => x.Ms > PauseTarget)} of {longest.Length} slots");
        }

        var perSlot = probe.Redirects.SelectMany(r => r.Skip(m.Start).Take(slots)).ToArray();
        Row($"redirects per slot per probe", $"max {perSlot.Max()} (target 1), min {perSlot.Min()}; probe-slot pairs with none {perSlot.Count(r => r == 0)}, with > 1 {perSlot.Count(r => r > 1)}");
        Row($"errors", $"{probe.Errors}{(probe.FirstError is { } e ? $" (first: {e})" : "")}");
    }

    /// <summary>The longest of <paramref name="samples"/>: where, when, and its wait for the first reply and resend.</summary>
    private static void Longest(string label, IEnumerable<ProbeSample> samples, MoveMeasure m)
    {
        if (!samples.Any())
        {
            Row($"{label}", $"-");
            return;
        }

        var top = samples.MaxBy(s => s.Ms);
        var how = top.Redirected ? FormattableString.Invariant($"MOVED after {top.FirstReplyMs:0.0} ms, resend {top.Ms - top.FirstReplyMs:0.0} ms") : "not redirected";
        Row($"{label}", $"{top.Ms:0.0} ms in slot {top.Slot}, sent {Stopwatch.GetElapsedTime(m.MoveStarted, top.Sent).TotalMilliseconds:N0} ms into the move; {how}");
    }

    /// <summary>used_memory and used_memory_dataset before the move and once the source counted no key in the moved slots.</summary>
    private static void Memory(string node, NodeMemory before, NodeMemory after)
    {
        Row($"{node} used_memory", $"{before.Used / MiB:0.0} -> {after.Used / MiB:0.0} MiB ({(after.Used - before.Used) / MiB:+0.0;-0.0} MiB)");
        Row($"{node} used_memory_dataset", $"{before.Dataset / MiB:0.0} -> {after.Dataset / MiB:0.0} MiB ({(after.Dataset - before.Dataset) / MiB:+0.0;-0.0} MiB)");
    }

    private static void Latencies(string label, List<ProbeSample> samples)
    {
        if (samples.Count == 0)
        {
            Line($"    {label,-36} {0,9}");
            return;
        }

        var sorted = samples.Select(s => s.Ms).Order().ToArray();
        Line($"    {label,-36} {sorted.Length,9:N0} {Stats.Percentile(sorted, 0.5),8:0.00} {Stats.Percentile(sorted, 0.99),8:0.00} {Stats.Percentile(sorted, 0.999),8:0.00} {sorted[^1],8:0.0}");
    }

    private static void Row(FormattableString label, FormattableString value) =>
        Line($"    {label.ToString(CultureInfo.InvariantCulture),-36} {value.ToString(CultureInfo.InvariantCulture)}");

    private static void Line(FormattableString text) => Console.WriteLine(text.ToString(CultureInfo.InvariantCulture));
}
