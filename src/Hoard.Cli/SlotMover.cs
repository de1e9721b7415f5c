using System.Diagnostics;
using System.Globalization;

namespace Hoard.Cli;

/// <summary>
/// Runs a plan of slot moves with Hoard's own slot move (docs/cluster.md, "Moving slots"): each source primary is sent
/// HOARD.MOVESLOTS with a batch of slots for one target, and streams them there while it serves; clients meet one
/// -MOVED per slot and no error. A source moves one batch at a time (each batch walks its keys once); different
/// sources move side by side. Progress is printed about once a second, then a summary.
/// </summary>
internal sealed class SlotMover(string? password, TextWriter output)
{
    /// <summary>Slots one HOARD.MOVESLOTS carries: its pause is as short whatever the count, its walk covers the source's keys.</summary>
    private const int SlotsPerMove = 512;
    private const int MoveAttempts = 20;

    /// <summary>How long one batch may take: gigabytes at the source's paced rate.</summary>
    private static readonly TimeSpan MoveTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(1);

    private readonly NodeClient _nodes = new(password, MoveTimeout);
    private long _slots;
    private long _keys;
    private long _bytes;
    private long _longestHoldUs;

    /// <summary>Moves every slot of <paramref name="plan"/>; the primaries by id come from <paramref name="addresses"/>.</summary>
    /// <exception cref="CommandFailedException">A source refused a batch (its slots stay with it; the batches moved before stay moved).</exception>
    public async Task RunAsync(IReadOnlyList<SlotMove> plan, IReadOnlyDictionary<string, NodeEndpoint> addresses, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var done = new CancellationTokenSource();
        var progress = ReportAsync(clock, plan.Count, done.Token);
        try
        {
            await Task.WhenAll(Batches(plan).GroupBy(b => b.From).Select(lane => RunLaneAsync(lane, addresses, cancellationToken))).ConfigureAwait(false);
        }
        finally
        {
            await done.CancelAsync().ConfigureAwait(false);
            await progress.ConfigureAwait(false);
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"moved {_slots} slots, {_keys:N0} keys, {Megabytes(_bytes):0.0} MB in {clock.Elapsed.TotalSeconds:0.0} s ({Megabytes(_bytes) / clock.Elapsed.TotalSeconds:0.0} MB/s); longest hold of a slot's commands {_longestHoldUs / 1000.0:0.0} ms"));
    }

    /// <summary>The plan as batches of one source's slots for one target, at most <see cref="SlotsPerMove"/> each.</summary>
    internal static IEnumerable<MoveBatch> Batches(IReadOnlyList<SlotMove> plan) =>
        plan.GroupBy(m => (m.From, m.To))
            .SelectMany(pair => pair.Select(m => m.Slot).Order().Chunk(SlotsPerMove).Select(slots => new MoveBatch(pair.Key.From, pair.Key.To, slots)));

    private async Task RunLaneAsync(IEnumerable<MoveBatch> lane, IReadOnlyDictionary<string, NodeEndpoint> addresses, CancellationToken cancellationToken)
    {
        foreach (var batch in lane)
        {
            await MoveAsync(batch, addresses[batch.From], cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One batch, sent again while the source answers TRYAGAIN (a move of the same slots still cleaning up, a stream overrun).</summary>
    private async Task MoveAsync(MoveBatch batch, NodeEndpoint source, CancellationToken cancellationToken)
    {
        string[] args = ["HOARD.MOVESLOTS", batch.To, .. batch.Ranges().SelectMany(r => new[] { Text(r.Start), Text(r.End) })];
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Record(await _nodes.CallAsync(source, args, cancellationToken).ConfigureAwait(false));
                Interlocked.Add(ref _slots, batch.Slots.Length);
                return;
            }
            catch (CommandFailedException e) when (e.Message.Contains(": TRYAGAIN", StringComparison.Ordinal) && attempt < MoveAttempts)
            {
                await Task.Delay(Random.Shared.Next(50, 100 * attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Adds a HOARD.MOVESLOTS answer (<c>keys=… bytes=… ms=… held_us=…</c>) to the totals.</summary>
    private void Record(string summary)
    {
        foreach (var field in summary.Split(' '))
        {
            var (name, value) = (field.Split('=')[0], long.Parse(field.Split('=')[1], CultureInfo.InvariantCulture));
            switch (name)
            {
                case "keys":
                    Interlocked.Add(ref _keys, value);
                    break;
                case "bytes":
                    Interlocked.Add(ref _bytes, value);
                    break;
                case "held_us":
                    for (var longest = Interlocked.Read(ref _longestHoldUs); value > longest; longest = Interlocked.Read(ref _longestHoldUs))
                    {
                        Interlocked.CompareExchange(ref _longestHoldUs, value, longest);
                    }

                    break;
            }
        }
    }

    private async Task ReportAsync(Stopwatch clock, int total, CancellationToken done)
    {
        try
        {
            while (true)
            {
                await Task.Delay(ProgressEvery, done).ConfigureAwait(false);
                var megabytes = Megabytes(Interlocked.Read(ref _bytes));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  slots {Interlocked.Read(ref _slots),5}/{total}   keys {Interlocked.Read(ref _keys),12:N0}   {megabytes,9:0.0} MB   {megabytes / clock.Elapsed.TotalSeconds,7:0.0} MB/s"));
            }
        }
        catch (OperationCanceledException)
        {
            // The moves ended.
        }
    }

    private static double Megabytes(long bytes) => bytes / (1024.0 * 1024.0);

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Slots of one source for one target, moved by one HOARD.MOVESLOTS.</summary>
/// <param name="From">The source primary's id.</param>
/// <param name="To">The target primary's id.</param>
/// <param name="Slots">The slots, ascending.</param>
internal sealed record MoveBatch(string From, string To, int[] Slots)
{
    /// <summary>The slots as runs of consecutive slots.</summary>
    public IEnumerable<Hoard.Cluster.Topology.SlotRange> Ranges()
    {
        var start = 0;
        for (var i = 1; i <= Slots.Length; i++)
        {
            if (i == Slots.Length || Slots[i] != Slots[i - 1] + 1)
            {
                yield return new(Slots[start], Slots[i - 1]);
                start = i;
            }
        }
    }
}
