using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Hoard.Storage.Benchmarks;

/// <summary>
/// GET hit, GET miss and SET overwrite on 1,000,000 preloaded keys <c>key:%08d</c> → 32-byte values, in Hoard and
/// in a <see cref="ConcurrentDictionary{TKey,TValue}"/> of byte[] (the baseline of each group: Ratio = Hoard / dictionary).
/// </summary>
/// <remarks>
/// Each invocation does <see cref="Batch"/> operations and BenchmarkDotNet divides by it: Mean and Allocated are per
/// operation. The keys cycle through a precomputed block in a seeded random order; <see cref="WorkingSet"/> is how
/// many distinct keys they cycle over: 1,024 keys stay in the CPU caches (the code path's own cost), all 1,000,000
/// do not (every operation waits for memory, as with many clients over a large keyspace). Each benchmark runs in its
/// own process; the global setup builds only the store it measures.
/// </remarks>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class KeyspaceBenchmarks
{
    public const int Batch = 1024;
    private const int Seed = 20_251_126;

    // What every SET writes: as long as the loaded values, so an overwrite can stay in place.
    private readonly byte[] _setValue = DataSet.Value(99_999_999);

    private KeyBlock _hitKeys = null!;
    private KeyBlock _missKeys = null!;
    private int _hitCursor;
    private int _missCursor;
    private long _operations;
    private long _unexpected;

    private Keyspace? _keyspace;
    private Database _db = null!;
    private ConcurrentDictionary<byte[], byte[]>.AlternateLookup<ReadOnlySpan<byte>> _dictionary;

    /// <summary>Distinct keys the operations cycle over.</summary>
    [Params(1024, DataSet.KeyCount)]
    public int WorkingSet { get; set; }

    [GlobalSetup(Targets = [nameof(GetHit_Hoard), nameof(GetMiss_Hoard), nameof(SetOverwrite_Hoard)])]
    public void SetupHoard()
    {
        CreateKeys();
        _keyspace = Stores.LoadHoard();
        _db = _keyspace[0];

        // SET overwrite writes the new bytes (in place); prove it on one key, then put the original back.
        var key = DataSet.Key(123_456);
        Stores.Require(_db.Set(key, _setValue) == StorageStatus.Ok, "SET overwrite failed");
        Stores.RequireValue(_db, key, _setValue);
        Stores.Require(_db.Set(key, DataSet.Value(123_456)) == StorageStatus.Ok, "SET restore failed");
        Stores.RequireValue(_db, key, DataSet.Value(123_456));
        Stores.Require(_db.Count == DataSet.KeyCount, "overwrite changed the key count");
    }

    [GlobalSetup(Targets = [nameof(GetHit_Dictionary), nameof(GetMiss_Dictionary), nameof(SetOverwrite_Dictionary)])]
    public void SetupDictionary()
    {
        CreateKeys();
        _dictionary = Stores.LoadDictionary().GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _keyspace?.Dispose();
        Stores.Require(_unexpected == 0, $"{_unexpected} of {_operations} operations had an unexpected outcome");
    }

    // ---------------------------------------------------------------- GET hit

    [Benchmark(OperationsPerInvoke = Batch), BenchmarkCategory("GET hit")]
    public int GetHit_Hoard()
    {
        var keys = _hitKeys;
        var i = _hitCursor;
        var sink = default(CopySink);
        var missed = 0;
        for (var n = 0; n < Batch; n++)
        {
            if (_db.Get(keys[i], ref sink) != StorageStatus.Ok)
            {
                missed++;
            }

            if (++i == keys.Count)
            {
                i = 0;
            }
        }

        _hitCursor = i;
        return Done(missed) + sink.Length;
    }

    [Benchmark(OperationsPerInvoke = Batch, Baseline = true), BenchmarkCategory("GET hit")]
    public int GetHit_Dictionary()
    {
        var keys = _hitKeys;
        var i = _hitCursor;
        var sink = default(CopySink);
        var missed = 0;
        for (var n = 0; n < Batch; n++)
        {
            if (_dictionary.TryGetValue(keys[i], out var value))
            {
                sink.Write(value);
            }
            else
            {
                missed++;
            }

            if (++i == keys.Count)
            {
                i = 0;
            }
        }

        _hitCursor = i;
        return Done(missed) + sink.Length;
    }

    // ---------------------------------------------------------------- GET miss

    [Benchmark(OperationsPerInvoke = Batch), BenchmarkCategory("GET miss")]
    public int GetMiss_Hoard()
    {
        var keys = _missKeys;
        var i = _missCursor;
        var sink = default(CopySink);
        var found = 0;
        for (var n = 0; n < Batch; n++)
        {
            if (_db.Get(keys[i], ref sink) != StorageStatus.NotFound)
            {
                found++;
            }

            if (++i == keys.Count)
            {
                i = 0;
            }
        }

        _missCursor = i;
        return Done(found);
    }

    [Benchmark(OperationsPerInvoke = Batch, Baseline = true), BenchmarkCategory("GET miss")]
    public int GetMiss_Dictionary()
    {
        var keys = _missKeys;
        var i = _missCursor;
        var sink = default(CopySink);
        var found = 0;
        for (var n = 0; n < Batch; n++)
        {
            if (_dictionary.TryGetValue(keys[i], out var value))
            {
                sink.Write(value);
                found++;
            }

            if (++i == keys.Count)
            {
                i = 0;
            }
        }

        _missCursor = i;
        return Done(found);
    }

    // ---------------------------------------------------------------- SET overwrite

    [Benchmark(OperationsPerInvoke = Batch), BenchmarkCategory("SET overwrite")]
    public int SetOverwrite_Hoard()
    {
        var keys = _hitKeys;
        var value = _setValue;
        var i = _hitCursor;
        var failed = 0;
        for (var n = 0; n < Batch; n++)
        {
            if (_db.Set(keys[i], value) != StorageStatus.Ok)
            {
                failed++;
            }

            if (++i == keys.Count)
            {
                i = 0;
            }
        }

        _hitCursor = i;
        return Done(failed);
    }

    /// <summary>The dictionary stores a copy of the value, as any store must when the request buffer is reused.</summary>
    [Benchmark(OperationsPerInvoke = Batch, Baseline = true), BenchmarkCategory("SET overwrite")]
    public int SetOverwrite_Dictionary()
    {
        var keys = _hitKeys;
        var value = _setValue;
        var i = _hitCursor;
        for (var n = 0; n < Batch; n++)
        {
            _dictionary[keys[i]] = value.AsSpan().ToArray();
            if (++i == keys.Count)
            {
                i = 0;
            }
        }

        _hitCursor = i;
        return Done(0);
    }

    private int Done(int unexpected)
    {
        _operations += Batch;
        _unexpected += unexpected;
        return unexpected;
    }

    private void CreateKeys()
    {
        _hitKeys = new KeyBlock(0, DataSet.KeyCount, Seed, WorkingSet);
        _missKeys = new KeyBlock(DataSet.KeyCount, Math.Min(WorkingSet, 1 << 16), Seed + 1, int.MaxValue);
    }
}
