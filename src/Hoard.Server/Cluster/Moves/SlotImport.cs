using Hoard.Cluster.Node;
using Hoard.Storage;
using Hoard.Storage.Keys;
using Hoard.Storage.Replication;
using Microsoft.Extensions.Logging;

namespace Hoard.Server.Cluster.Moves;

/// <summary>
/// The target's side of a slot move, on the connection the source opened (HOARD.IMPORT): the source's records of the
/// moving slots are applied as this node's own writes (its replicas receive them), until the source says the handover
/// committed. A connection that closes before that leaves keys of slots this node does not own: they are dropped once a
/// fence made sure no handover of them can still commit (<see cref="ShardFence"/>).
/// </summary>
internal sealed class SlotImport
{
    private static readonly TimeSpan CommitWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan CleanupLimit = TimeSpan.FromSeconds(30);
    private readonly HoardServer _server;
    private readonly ClusterNodeService _cluster;
    private readonly ILogger _logger;
    private bool _committed;

    private SlotImport(HoardServer server, ClusterNodeService cluster, string sourceShardId, SlotSet slots, ILogger logger)
    {
        _server = server;
        _cluster = cluster;
        SourceShardId = sourceShardId;
        Slots = slots;
        _logger = logger;
    }

    /// <summary>The shard the slots come from.</summary>
    public string SourceShardId { get; }

    /// <summary>The slots coming in.</summary>
    public SlotSet Slots { get; }

    /// <summary>
    /// HOARD.IMPORT BEGIN: claims the slots (none owned by this node's shard) and drops what an earlier move of them
    /// that failed left; null and the error when it cannot.
    /// </summary>
    public static async Task<(SlotImport? Import, string? Error)> BeginAsync(HoardServer server, ClusterNodeService cluster, string sourceShardId, SlotSet slots, ILogger logger)
    {
        var myShard = cluster.MyShardId;
        var topology = cluster.Topology;
        if (slots.Slots().FirstOrDefault(s => topology.ShardOfSlot(s) == myShard, -1) is var owned and >= 0)
        {
            return (null, $"ERR I already own hash slot {owned}");
        }

        if (!server.SlotClaims.TryClaim(slots))
        {
            return (null, "TRYAGAIN another move of these slots is under way or being cleaned up");
        }

        try
        {
            await SlotKeys.DropAsync(server.Keyspace, slots, _ => true, CancellationToken.None).ConfigureAwait(false);
        }
        catch
        {
            server.SlotClaims.Release(slots);
            throw;
        }

        return (new SlotImport(server, cluster, sourceShardId, slots, logger), null);
    }

    /// <summary>HOARD.IMPORT RECORDS: applies whole records about keys of the moving slots; null, or the error.</summary>
    public string? Apply(ReadOnlySpan<byte> records)
    {
        try
        {
            while (!records.IsEmpty)
            {
                if (!ReplicationRecord.TryGetLength(records, out var length))
                {
                    return "ERR a slot move's records end inside a record";
                }

                var record = records[..length];
                var r = new RecordReader(record);
                if (!r.HasKey || r.Database != 0 || !Slots.ContainsKeyOf(r.Key))
                {
                    return "ERR a slot move's record is not of a key of database 0 in the slots it moves";
                }

                switch (_server.Keyspace.Import(record))
                {
                    case StorageStatus.Ok:
                        break;
                    case StorageStatus.OutOfMemory:
                        return "OOM command not allowed when used memory > 'maxmemory'.";
                    default:
                        return "ERR a moved value is too large";
                }

                records = records[length..];
            }

            return null;
        }
        catch (InvalidDataException e)
        {
            return "ERR " + e.Message;
        }
    }

    /// <summary>HOARD.IMPORT CLEAR: the source's keyspace was flushed during the move; so are the slots' keys here.</summary>
    public Task ClearAsync() => SlotKeys.DropAsync(_server.Keyspace, Slots, _ => true, CancellationToken.None);

    /// <summary>
    /// HOARD.IMPORT COMMIT epoch: the source saw the handover commit at <paramref name="epoch"/>; answers once this
    /// node's routes serve the slots (the source holds their commands until then), or after a bound.
    /// </summary>
    public async Task<string?> CommitAsync(long epoch)
    {
        _committed = true; // the source saw it commit: the keys are this node's now, whatever the wait below gives
        using var timeout = new CancellationTokenSource(CommitWait);
        try
        {
            await _cluster.WaitForEpochAsync(epoch, timeout.Token).ConfigureAwait(false); // its routes follow it then
            return null;
        }
        catch (OperationCanceledException)
        {
            return $"TRYAGAIN this node has not reached epoch {epoch} yet";
        }
    }

    /// <summary>The connection closed: releases the claim, once the keys of a move that did not commit are dropped.</summary>
    public async Task EndAsync()
    {
        try
        {
            if (_committed)
            {
                return;
            }

            using var limit = new CancellationTokenSource(CleanupLimit);
            await _cluster.SyncTopologyAsync(limit.Token).ConfigureAwait(false);
            await ShardFence.FenceAsync(_cluster, SourceShardId, _cluster.Topology.ShardEpoch(SourceShardId), limit.Token).ConfigureAwait(false);
            var topology = _cluster.Topology;
            var myShard = _cluster.MyShardId;
            var dropped = await SlotKeys.DropAsync(_server.Keyspace, Slots, s => topology.ShardOfSlot(s) != myShard, limit.Token).ConfigureAwait(false);
            ServerLog.SlotImportDropped(_logger, Slots.Count, dropped);
        }
        catch (OperationCanceledException)
        {
            // No majority to fence with: the keys stay until a move of these slots begins again (it drops them first).
            ServerLog.SlotImportNotCleaned(_logger, Slots.Count);
        }
        finally
        {
            _server.SlotClaims.Release(Slots);
        }
    }
}
