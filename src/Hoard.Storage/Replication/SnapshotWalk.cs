using Hoard.Storage.Internal;
using Hoard.Storage.Keys;

namespace Hoard.Storage.Replication;

/// <summary>
/// A snapshot of a keyspace taken a step at a time while it keeps serving (<see cref="Keyspace.StartSnapshot"/>,
/// docs/replication.md): upsert records of the live keys of every database, or only of database 0's keys in some hash
/// slots (a slot move). Each step holds one shard's lock for one short batch. A key present for the whole walk is
/// sent exactly once, however the index grows meanwhile; a key written or deleted during the walk may or may not be.
/// </summary>
/// <remarks>
/// <para>
/// A hash larger than <see cref="PieceBytes"/> goes in pieces of about that size, a step each, the lock taken for
/// that piece alone: an upsert of some of its fields, then fields-set records of the others, visited as HSCAN visits
/// them (every field present throughout is sent at least once). Whatever changes between pieces is in the stream, so
/// a receiver applying the pieces and the stream in the order they were made converges as for any key.
/// </para>
/// <para>
/// A replica converges by applying the snapshot and then the stream from the offset noted before the first step,
/// since records state what a key holds. Records name databases as they are numbered when the key is visited, so a
/// SWAPDB between that offset and the end of the walk (a <see cref="RecordKind.SwapDatabases"/> record in the
/// stream) makes the snapshot wrong: start it again.
/// </para>
/// </remarks>
public sealed class SnapshotWalk
{
    /// <summary>About the most bytes of fields one record of a hash carries in a snapshot.</summary>
    public const int PieceBytes = 64 * 1024;

    private const uint CodeSpace = 1u << KeyHash.CodeBits;

    private readonly Keyspace _keyspace;
    private readonly SlotSet? _slots;
    private readonly Queue<HashInPieces> _pieces = new();
    private int _shard;
    private uint _from;

    internal SnapshotWalk(Keyspace keyspace, SlotSet? slots)
    {
        _keyspace = keyspace;
        _slots = slots;
        IsComplete = keyspace.ShardCount == 0;
    }

    /// <summary>Whether every key was visited (no step is left to take).</summary>
    public bool IsComplete { get; private set; }

    /// <summary>
    /// One step: records of about <paramref name="maxKeys"/> keys into <paramref name="sink"/>, or one piece of a
    /// large hash. Returns the number of keys whose first (or only) record it wrote.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxKeys"/> is not positive.</exception>
    public int Step(int maxKeys, IRecordSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxKeys);
        var visited = 0;
        var keys = 0;
        while (!IsComplete && visited < maxKeys)
        {
            var shard = _keyspace.Shards[_shard];
            lock (shard.Gate)
            {
                if (_pieces.TryPeek(out var hash))
                {
                    if (shard.WriteHashPiece(hash, sink, ref keys))
                    {
                        _pieces.Dequeue();
                    }

                    visited = maxKeys; // a piece ends the step
                }
                else
                {
                    _from = shard.WriteSnapshot(_from, maxKeys - visited, sink, _slots, _pieces, ref visited, ref keys);
                }
            }

            if (_pieces.Count == 0 && _from == CodeSpace)
            {
                _from = 0;
                IsComplete = ++_shard == _keyspace.ShardCount;
            }
        }

        return keys;
    }
}

/// <summary>A hash a snapshot sends in pieces: which key, and where its next piece starts.</summary>
internal sealed class HashInPieces(byte[] key, int physicalDatabase, ulong hash)
{
    public byte[] Key { get; } = key;

    public int PhysicalDatabase { get; } = physicalDatabase;

    public ulong Hash { get; } = hash;

    /// <summary>Whether its first piece (the upsert) was sent.</summary>
    public bool Started { get; set; }

    /// <summary>Once started: the table slots below this one are still to send (HSCAN's cursor, top down).</summary>
    public int Below { get; set; }
}
