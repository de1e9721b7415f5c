using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Hoard.Cli;

/// <summary>
/// Runs a plan of slot moves the way Redis's tools do, through the nodes' Redis commands: the target imports the slot
/// (CLUSTER SETSLOT IMPORTING, one cluster-wide change here; MIGRATING to the source then only waits until the source
/// follows it), the source sends its keys in batches (CLUSTER GETKEYSINSLOT, MIGRATE … KEYS), then the slot is the
/// target's (CLUSTER SETSLOT NODE). Clients are sent to the
/// target with -ASK meanwhile for keys already moved. Several slots move at once; progress is printed about once a
/// second, then a summary.
/// </summary>
internal sealed class SlotMover(NodeClient nodes, string? password, TextWriter output)
{
    /// <summary>Slots moved at once: each move is a few round trips and two committed changes, mostly waiting.</summary>
    private const int Parallel = 8;
    private const int KeysPerBatch = 256;
    private const int ChangeAttempts = 50;
    private const int MigrateTimeoutMs = 10_000;
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Moves every slot of <paramref name="plan"/>, <see cref="Parallel"/> slots at a time (each slot's steps in
    /// order); the primaries by id come from <paramref name="addresses"/>.
    /// </summary>
    /// <exception cref="CommandFailedException">A node refused a step; the slot being moved stays open (see the message).</exception>
    public async Task RunAsync(IReadOnlyList<SlotMove> plan, IReadOnlyDictionary<string, NodeEndpoint> addresses, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        long keys = 0, slots = 0;
        using var done = new CancellationTokenSource();
        var progress = ReportAsync(clock, () => (Interlocked.Read(ref slots), Interlocked.Read(ref keys)), plan.Count, done.Token);
        try
        {
            await System.Threading.Tasks.Parallel.ForEachAsync(plan, new ParallelOptions { MaxDegreeOfParallelism = Parallel, CancellationToken = cancellationToken }, async (move, token) =>
            {
                Interlocked.Add(ref keys, await MoveAsync(move, addresses[move.From], addresses[move.To], token).ConfigureAwait(false));
                Interlocked.Increment(ref slots);
            }).ConfigureAwait(false);
        }
        finally
        {
            await done.CancelAsync().ConfigureAwait(false);
            await progress.ConfigureAwait(false);
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"moved {plan.Count} slots and {keys:N0} keys in {clock.Elapsed.TotalSeconds:0.0} s"));
    }

    private async Task ReportAsync(Stopwatch clock, Func<(long Slots, long Keys)> counts, int total, CancellationToken done)
    {
        try
        {
            while (true)
            {
                await Task.Delay(ProgressEvery, done).ConfigureAwait(false);
                var (slots, keys) = counts();
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  slots {slots,5}/{total}   keys {keys,10:N0}   {slots / clock.Elapsed.TotalSeconds,7:0.0} slots/s   {keys / clock.Elapsed.TotalSeconds,10:N0} keys/s"));
            }
        }
        catch (OperationCanceledException)
        {
            // The moves ended.
        }
    }

    /// <summary>One slot: import, its keys in batches, then ownership. Returns how many keys moved.</summary>
    private async Task<long> MoveAsync(SlotMove move, NodeEndpoint source, NodeEndpoint target, CancellationToken cancellationToken)
    {
        var slot = move.Slot.ToString(CultureInfo.InvariantCulture);
        await ChangeAsync(target, ["CLUSTER", "SETSLOT", slot, "IMPORTING", move.From], cancellationToken).ConfigureAwait(false);

        // The same change, already made: the source answers once its own routes show the slot migrating, so its MIGRATE
        // holds the commands racing it (MigrateHold) and sends the keys it no longer has to the target.
        await ChangeAsync(source, ["CLUSTER", "SETSLOT", slot, "MIGRATING", move.To], cancellationToken).ConfigureAwait(false);
        long moved = 0;
        var redirected = 0;
        while (true)
        {
            var keys = (await nodes.SendAsync(source, Args("CLUSTER", "GETKEYSINSLOT", slot, KeysPerBatch.ToString(CultureInfo.InvariantCulture)), cancellationToken)
                .ConfigureAwait(false)).Items ?? [];
            if (keys.Count == 0)
            {
                break;
            }

            // REPLACE: the target imports the slot, so a copy of a key still here can only be an older copy this move made.
            var migrate = Args("MIGRATE", target.Host, target.Port.ToString(CultureInfo.InvariantCulture), "", "0", MigrateTimeoutMs.ToString(CultureInfo.InvariantCulture), "REPLACE");
            if (password is not null)
            {
                migrate.AddRange(Args("AUTH", password));
            }

            migrate.Add("KEYS"u8.ToArray());
            migrate.AddRange(keys.Select(k => k.Bulk));
            try
            {
                await nodes.SendAsync(source, migrate, cancellationToken).ConfigureAwait(false);
                moved += keys.Count;
            }
            catch (CommandFailedException e) when (e.Message.Contains("replied with error: MOVED", StringComparison.Ordinal) && ++redirected < ChangeAttempts)
            {
                // The target has not applied the import yet (a node outside the consensus group follows it a moment
                // later): the keys it refused are still here; the next round sends them again.
                await Task.Delay(10 * redirected, cancellationToken).ConfigureAwait(false);
            }
        }

        await ChangeAsync(target, ["CLUSTER", "SETSLOT", slot, "NODE", move.To], cancellationToken).ConfigureAwait(false);
        return moved;
    }

    /// <summary>
    /// A cluster change, sent again while it is refused with TRYAGAIN: a change is decided on the shard's configuration
    /// as the node sees it, and the moves running beside this one change the same shards.
    /// </summary>
    private async Task ChangeAsync(NodeEndpoint node, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await nodes.CallAsync(node, args, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (CommandFailedException e) when (e.Message.Contains(": TRYAGAIN", StringComparison.Ordinal) && attempt < ChangeAttempts)
            {
                await Task.Delay(Random.Shared.Next(1, 10 * attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static List<ReadOnlyMemory<byte>> Args(params string[] words) => [.. words.Select(w => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(w))];
}
