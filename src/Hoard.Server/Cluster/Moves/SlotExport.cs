using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using Hoard.Cluster.Node;
using Hoard.Cluster.Topology;
using Hoard.Server.Replication;
using Hoard.Storage.Keys;
using Hoard.Storage.Replication;

namespace Hoard.Server.Cluster.Moves;

/// <summary>
/// The source's side of a slot move (HOARD.MOVESLOTS; docs/cluster.md, "Moving slots"): the target receives the
/// slots' keys from a paced walk, with the writes to them since its start interleaved (read from the replication
/// stream, as a replica's full sync does); then the slots' commands are held, the last writes sent, the handover
/// committed through the consensus group, and once the target serves the slots the held commands run again — moved
/// there. Clients see one MOVED per slot and no error; no acknowledged write is lost or applied twice.
/// </summary>
internal sealed class SlotExport
{
    private const int KeysPerStep = 1024;
    private const int CatchUpBytes = 64 * 1024; // stream left to send once the commands are held
    private const int CatchUpRounds = 1000;
    private static readonly TimeSpan HandoverLimit = TimeSpan.FromSeconds(10);

    private readonly HoardServer _server;
    private readonly ClusterNodeService _cluster;
    private readonly SlotSet _slots;
    private readonly ImmutableArray<SlotRange> _ranges;
    private readonly StreamFrames _stream;
    private readonly ImportChannel _channel;
    private readonly FrameSink _frame = new();
    private readonly FrameSink _filtered = new();
    private readonly string _history; // this primary's replication id: a node demoted meanwhile must not hand over
    private long _keys;
    private long _bytes;
    private long _heldSince;
    private TimeSpan _heldWaiting;
    private TimeSpan _heldStream;
    private TimeSpan _heldConsensus;

    private SlotExport(HoardServer server, ClusterNodeService cluster, ImmutableArray<SlotRange> ranges, SlotSet slots, StreamFrames stream, ImportChannel channel, string history)
    {
        _server = server;
        _cluster = cluster;
        _ranges = ranges;
        _slots = slots;
        _stream = stream;
        _channel = channel;
        _history = history;
    }

    /// <summary>Moves <paramref name="ranges"/> (all owned by this node's shard, claimed) to <paramref name="target"/>'s shard.</summary>
    /// <exception cref="SlotMoveException">The slots stayed here.</exception>
    public static async Task<SlotMoveResult> RunAsync(HoardServer server, ClusterNodeService cluster, ClusterNode target, ImmutableArray<SlotRange> ranges, SlotSet slots, CancellationToken token)
    {
        var started = Stopwatch.GetTimestamp();
        var history = server.Replication.ReplicationId;
        var backlog = server.Replication.EnsureBacklog();

        // Opened before the walk: every write to the slots from here on reaches the target after the walk's step that
        // read the key, or in the same frame order as a full sync's (docs/replication.md).
        using var reader = backlog.OpenReader(backlog.Offset) ?? throw new SlotMoveException("ERR the replication stream did not open");
        try
        {
            using var channel = await ImportChannel.OpenAsync(target.Host, target.Port, server.Options.RequirePass, token).ConfigureAwait(false);
            string[] begin = ["HOARD.IMPORT", "BEGIN", cluster.MyShardId, .. ranges.SelectMany(r => new[] { Text(r.Start), Text(r.End) })];
            await channel.CallAsync(token, begin).ConfigureAwait(false);
            var export = new SlotExport(server, cluster, ranges, slots, new StreamFrames(backlog, reader), channel, history);
            await export.WalkAsync(token).ConfigureAwait(false);
            await export.CatchUpAsync(token).ConfigureAwait(false);
            await server.SlotProxy.PrepareAsync(target.Host, target.Port).ConfigureAwait(false);
            int[] held = [.. slots.Slots()];
            export._heldSince = Stopwatch.GetTimestamp();
            var epoch = await server.MigrateHold.RunAsync(held, () => export.HandOverAsync(target, token)).ConfigureAwait(false);
            var heldFor = Stopwatch.GetElapsedTime(export._heldSince);
            if (epoch == 0)
            {
                server.SlotProxy.Dispose(); // the connection prepared for it goes (others reopen when needed)
                throw new SlotMoveException("TRYAGAIN the handover did not commit; the slots stay with their source");
            }

            return new SlotMoveResult(export._keys, export._bytes, Stopwatch.GetElapsedTime(started), heldFor, export._heldWaiting, export._heldStream, export._heldConsensus);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            throw new SlotMoveException("IOERR the connection to the target failed: " + e.Message);
        }
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The slots' keys, a paced step at a time, each step followed by the slots' writes appended meanwhile.</summary>
    private async Task WalkAsync(CancellationToken token)
    {
        var pacer = new SyncPacer(() => _server.Options.SlotMoveMaxRate);
        var walk = _server.Keyspace.StartSnapshot(_slots);
        while (!walk.IsComplete)
        {
            _frame.Clear();
            _keys += walk.Step(KeysPerStep, _frame);
            if (_frame.Length > 0)
            {
                await SendAsync(_frame, token).ConfigureAwait(false);
                await pacer.PaceAsync(_frame.Length, token).ConfigureAwait(false);
            }

            await SendStreamAsync(token).ConfigureAwait(false);
        }
    }

    /// <summary>Sends the stream until little is left for the moment the commands are held.</summary>
    private async Task CatchUpAsync(CancellationToken token)
    {
        for (var round = 0; round < CatchUpRounds && await SendStreamAsync(token).ConfigureAwait(false) > CatchUpBytes; round++)
        {
        }

        await _channel.DrainAsync(token).ConfigureAwait(false);
    }

    /// <summary>
    /// With the slots' commands held and the running writes finished: the last of the stream, then the handover. Returns
    /// the epoch the target owns the slots at (the target serves them before this returns), or 0 when they stay here.
    /// </summary>
    private async Task<long> HandOverAsync(ClusterNode target, CancellationToken token)
    {
        var held = Stopwatch.GetTimestamp();
        _heldWaiting = Stopwatch.GetElapsedTime(_heldSince, held);
        await SendStreamAsync(token).ConfigureAwait(false);
        await _channel.DrainAsync(token).ConfigureAwait(false);
        _heldStream = Stopwatch.GetElapsedTime(held);

        var shard = _cluster.MyShardId;
        var targetShardId = target.ShardId;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(token);
        limit.CancelAfter(HandoverLimit);
        long epoch = 0;
        try
        {
            while (true)
            {
                if (_server.Replication.ReplicationId != _history || _cluster.Self.Role != NodeRole.Primary)
                {
                    return 0; // demoted (and perhaps promoted again) since the walk began: the target lacks what the new primary took
                }

                epoch = _cluster.Topology.ShardEpoch(shard);
                var error = await _cluster.ProposeAsync(new SlotsHandedOver(shard, targetShardId, _ranges, epoch), limit.Token).ConfigureAwait(false);
                if (HandedOver(targetShardId))
                {
                    break;
                }

                if (error is null || error.StartsWith("ERR", StringComparison.Ordinal))
                {
                    return 0; // refused: nothing committed
                }

                if (!error.StartsWith("TRYAGAIN", StringComparison.Ordinal))
                {
                    // Timed out: it may still commit. Fence it, then the topology says.
                    await ShardFence.FenceAsync(_cluster, shard, epoch, token).ConfigureAwait(false);
                    if (HandedOver(targetShardId))
                    {
                        break;
                    }

                    return 0;
                }

                // Stale: another change to this shard (another move out of it) came first; decide again on the newest view.
                await _cluster.SyncTopologyAsync(limit.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
            await ShardFence.FenceAsync(_cluster, shard, epoch, token).ConfigureAwait(false);
            if (!HandedOver(targetShardId))
            {
                return 0;
            }
        }

        // Committed: the held commands run again once this node's routes move them (the topology's listeners ran for
        // the epoch) and the target serves the slots (else it would move them back here).
        var committed = _cluster.Topology.Epoch;
        _heldConsensus = Stopwatch.GetElapsedTime(held) - _heldStream;
        using (var routes = CancellationTokenSource.CreateLinkedTokenSource(token))
        {
            routes.CancelAfter(HandoverLimit);
            await _cluster.WaitForEpochAsync(committed, routes.Token).ConfigureAwait(false);
        }

        try
        {
            await _channel.CallAsync(token, "HOARD.IMPORT", "COMMIT", Text(committed)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SlotMoveException or IOException or System.Net.Sockets.SocketException)
        {
            // The target learns the topology by itself; clients may meet one redirect more meanwhile.
        }

        _server.SlotProxy.Add(_slots, target.Host, target.Port); // before the held commands run again: they may be proxied
        return committed;
    }

    private bool HandedOver(string targetShardId)
    {
        var topology = _cluster.Topology;
        return _ranges.All(r => Enumerable.Range(r.Start, r.Count).All(slot => topology.ShardOfSlot(slot) == targetShardId));
    }

    /// <summary>The slots' records appended to the stream since the last call; returns the stream bytes read.</summary>
    private async Task<int> SendStreamAsync(CancellationToken token)
    {
        var total = 0;
        while (_stream.Collect() is var collected && collected != 0)
        {
            if (collected < 0)
            {
                throw new SlotMoveException("TRYAGAIN the target fell behind the replication stream; move the slots again");
            }

            total += collected;
            _filtered.Clear();
            for (var offset = 0; offset < _stream.Frame.Length;)
            {
                var (what, length) = Inspect(_stream.Frame.Records[offset..]);
                if (what == StreamRecord.Ours)
                {
                    _filtered.Write(_stream.Frame.Records.Slice(offset, length));
                }
                else if (what == StreamRecord.Flush)
                {
                    await SendAsync(_filtered, token).ConfigureAwait(false);
                    _filtered.Clear();
                    await _channel.CallAsync(token, "HOARD.IMPORT", "CLEAR").ConfigureAwait(false);
                }
                else if (what == StreamRecord.Swap)
                {
                    throw new SlotMoveException("TRYAGAIN a SWAPDB crossed the slot move; move the slots again");
                }

                offset += length;
            }

            await SendAsync(_filtered, token).ConfigureAwait(false);
        }

        return total;
    }

    /// <summary>What a stream record means to the move: a write to a moving slot, a flush of database 0 (the one
    /// cluster mode serves), a swap of databases, or nothing.</summary>
    private enum StreamRecord
    {
        Other,
        Ours,
        Flush,
        Swap,
    }

    /// <summary>What the first record of <paramref name="records"/> is to the move, and its length.</summary>
    private (StreamRecord What, int Length) Inspect(ReadOnlySpan<byte> records)
    {
        var r = new RecordReader(records);
        var what = r.Kind switch
        {
            _ when r.HasKey && r.Database == 0 && _slots.ContainsKeyOf(r.Key) => StreamRecord.Ours,
            RecordKind.FlushAll => StreamRecord.Flush,
            RecordKind.FlushDatabase when r.Database == 0 => StreamRecord.Flush,
            RecordKind.SwapDatabases => StreamRecord.Swap,
            _ => StreamRecord.Other,
        };
        return (what, r.Length);
    }

    private async Task SendAsync(FrameSink frame, CancellationToken token)
    {
        if (frame.Length > 0)
        {
            _bytes += frame.Length;
            await _channel.SendRecordsAsync(frame.Memory, token).ConfigureAwait(false);
        }
    }
}
