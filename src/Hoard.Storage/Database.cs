using System.Runtime.CompilerServices;
using Hoard.Storage.Internal;
using Hoard.Storage.Replication;

namespace Hoard.Storage;

/// <summary>
/// One numbered database of a <see cref="Keyspace"/> (SELECT n). Thread-safe; every operation is atomic.
/// Values are read through an <see cref="IValueSink"/> so that reading allocates nothing.
/// </summary>
public sealed unsafe partial class Database
{
    private readonly Keyspace _keyspace;

    internal Database(Keyspace keyspace, int index)
    {
        _keyspace = keyspace;
        Index = index;
    }

    /// <summary>The number SELECT uses for this database.</summary>
    public int Index { get; }

    private int Physical => _keyspace.PhysicalDatabase(Index);

    /// <summary>Number of keys (DBSIZE); keys whose TTL ran out but were not yet removed are counted, as in Redis.</summary>
    public long Count
    {
        get
        {
            var db = Physical;
            long n = 0;
            foreach (var shard in _keyspace.Shards)
            {
                lock (shard.Gate)
                {
                    n += shard.KeysPerDatabase[db];
                }
            }

            return n;
        }
    }

    /// <summary>Removes every key of this database (FLUSHDB), atomically: every shard's lock is held throughout.</summary>
    public void Flush() => Flush(replicate: true);

    /// <summary>FLUSHDB; the record goes to the stream (unless applying one) while every lock is held.</summary>
    internal void Flush(bool replicate)
    {
        _keyspace.EnterAll();
        try
        {
            var db = Physical;
            foreach (var shard in _keyspace.Shards)
            {
                shard.FlushDatabase(db);
            }

            _keyspace.Observer?.OnFlush();
            if (replicate && _keyspace.Replication is { } stream)
            {
                Span<byte> record = stackalloc byte[ReplicationRecord.MaxShortLength];
                stream.Write(record[..ReplicationRecord.WriteFlushDatabase(record, Index)]);
            }
        }
        finally
        {
            _keyspace.ExitAll();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Shard ShardOf(ulong hash) => _keyspace.Shards[(int)(hash & _keyspace.ShardMask)];

    /// <summary>A key's place: its physical database, hash and shard.</summary>
    private readonly struct KeyRef
    {
        public readonly int Db;
        public readonly ulong Hash;
        public readonly Shard Shard;

        public KeyRef(Database database, ReadOnlySpan<byte> key)
        {
            Db = database.Physical;
            Hash = KeyHash.Of(key, Db, database._keyspace.HashSeed);
            Shard = database.ShardOf(Hash);
        }
    }

    private static void ThrowIfTooLong(ReadOnlySpan<byte> key)
    {
        if (key.Length > Keyspace.MaxValueLength)
        {
            throw new ArgumentOutOfRangeException(nameof(key), "keys are limited to 512 MB");
        }
    }
}
