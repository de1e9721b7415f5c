using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;

namespace Hoard.Storage.Benchmarks;

/// <summary>
/// SET of a never-seen key into a full store, so every SET evicts: Hoard with s3fifo and <c>maxmemory</c> set to what
/// its 1,000,000 preloaded keys hold, and a ConcurrentDictionary kept at 1,000,000 keys by removing the oldest key
/// after each add (a FIFO). Per operation, as in <see cref="KeyspaceBenchmarks"/>.
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
public class EvictionBenchmarks
{
    public const int Batch = 1024;
    // Twice the key count before measuring: every preloaded key has been evicted and S3-FIFO's small queue and ghost
    // filter run at their steady sizes (with fewer, the ghost filter's periodic reallocation is not yet visible).
    private const int WarmWrites = 2 * DataSet.KeyCount;

    private readonly byte[] _setValue = DataSet.Value(99_999_999);
    private readonly NewKeys _newKeys = new();
    private long _operations;
    private long _unexpected;

    private Keyspace? _keyspace;
    private Database _db = null!;
    private long _evictedBefore;

    private ConcurrentDictionary<byte[], byte[]>.AlternateLookup<ReadOnlySpan<byte>> _dictionary;
    private byte[] _fifo = [];
    private int _fifoHead;

    [GlobalSetup(Target = nameof(SetNewEvict_Hoard))]
    public void SetupHoard()
    {
        _keyspace = Stores.LoadHoard();
        _db = _keyspace[0];

        // Full: the limit is what the keyspace holds now (CONFIG SET maxmemory), so new keys must evict.
        _keyspace.MaxMemory = _keyspace.UsedMemory;
        Stores.Require(_keyspace.Policy == EvictionPolicy.S3Fifo, "policy is not s3fifo");
        var before = _keyspace.Stats.EvictedKeys;
        for (var i = 0; i < WarmWrites; i++)
        {
            Stores.Require(_db.Set(_newKeys.Next(), _setValue) == StorageStatus.Ok, "SET of a new key failed under the limit");
        }

        var evicted = _keyspace.Stats.EvictedKeys - before;
        Stores.Require(evicted > 0, "EvictedKeys did not grow: the keyspace is not full");
        Stores.Require(_keyspace.UsedMemory <= _keyspace.MaxMemory, "UsedMemory is over MaxMemory");
        Stores.RequireValue(_db, _newKeys.Current, _setValue);
        var sink = default(CopySink);
        Stores.Require(_db.Get("n:9999999999"u8, ref sink) == StorageStatus.NotFound, "a never-written key was found");
        Console.WriteLine($"// setup: {WarmWrites} new keys evicted {evicted} keys ({(double)evicted / WarmWrites:F3} per SET); " +
            $"{_db.Count} keys, UsedMemory {_keyspace.UsedMemory} of MaxMemory {_keyspace.MaxMemory} B");
        _evictedBefore = _keyspace.Stats.EvictedKeys;
    }

    [GlobalSetup(Target = nameof(SetNewEvict_Dictionary))]
    public void SetupDictionary()
    {
        var dictionary = Stores.LoadDictionary();
        _dictionary = dictionary.GetAlternateLookup<ReadOnlySpan<byte>>();
        _fifo = new byte[DataSet.KeyCount * DataSet.KeyLength];
        for (var i = 0; i < DataSet.KeyCount; i++)
        {
            DataSet.WriteKey(i, _fifo.AsSpan(i * DataSet.KeyLength, DataSet.KeyLength));
        }

        for (var i = 0; i < WarmWrites; i++)
        {
            Stores.Require(AddNewRemoveOldest(), "dictionary add/remove failed");
        }

        Stores.Require(dictionary.Count == DataSet.KeyCount, "the dictionary is not bounded");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_keyspace is not null)
        {
            var evicted = _keyspace.Stats.EvictedKeys - _evictedBefore;
            Console.WriteLine($"// cleanup: {_operations} measured SETs of new keys evicted {evicted} keys " +
                $"({(double)evicted / Math.Max(1, _operations):F3} per SET)");
            Stores.Require(evicted > 0, "nothing was evicted during the benchmark");
            _keyspace.Dispose();
        }

        Stores.Require(_unexpected == 0, $"{_unexpected} of {_operations} operations had an unexpected outcome");
    }

    /// <summary>Every SET writes a never-seen key into the full keyspace, so it must evict.</summary>
    [Benchmark(OperationsPerInvoke = Batch), BenchmarkCategory("SET new+evict")]
    public int SetNewEvict_Hoard()
    {
        var value = _setValue;
        var failed = 0;
        for (var n = 0; n < Batch; n++)
        {
            if (_db.Set(_newKeys.Next(), value) != StorageStatus.Ok)
            {
                failed++;
            }
        }

        return Done(failed);
    }

    /// <summary>TryAdd of a never-seen key (key and value copied to new arrays), then TryRemove of the oldest key.</summary>
    [Benchmark(OperationsPerInvoke = Batch, Baseline = true), BenchmarkCategory("SET new+evict")]
    public int SetNewEvict_Dictionary()
    {
        var failed = 0;
        for (var n = 0; n < Batch; n++)
        {
            if (!AddNewRemoveOldest())
            {
                failed++;
            }
        }

        return Done(failed);
    }

    private bool AddNewRemoveOldest()
    {
        var key = _newKeys.Next();
        var added = _dictionary.TryAdd(key, _setValue.AsSpan().ToArray());
        var oldest = _fifo.AsSpan(_fifoHead * DataSet.KeyLength, DataSet.KeyLength);
        var removed = _dictionary.TryRemove(oldest, out _, out _);
        key.CopyTo(oldest);
        if (++_fifoHead == DataSet.KeyCount)
        {
            _fifoHead = 0;
        }

        return added && removed;
    }

    private int Done(int unexpected)
    {
        _operations += Batch;
        _unexpected += unexpected;
        return unexpected;
    }
}
