using System.Collections.Concurrent;
using System.Diagnostics;

namespace Hoard.Storage.Benchmarks;

/// <summary>Building and checking the two stores the benchmarks compare.</summary>
public static class Stores
{
    /// <summary>A keyspace (no limit, s3fifo) holding <c>key:%08d</c> → its value for the first <see cref="DataSet.KeyCount"/> numbers.</summary>
    public static Keyspace LoadHoard()
    {
        var clock = Stopwatch.StartNew();
        var keyspace = new Keyspace(new StorageOptions { Policy = EvictionPolicy.S3Fifo });
        var db = keyspace[0];
        Span<byte> key = stackalloc byte[DataSet.KeyLength];
        Span<byte> value = stackalloc byte[DataSet.ValueLength];
        for (var i = 0; i < DataSet.KeyCount; i++)
        {
            DataSet.WriteKey(i, key);
            DataSet.WriteValue(i, value);
            Require(db.Set(key, value) == StorageStatus.Ok, "preload SET failed");
        }

        Require(db.Count == DataSet.KeyCount, "preload count is wrong");
        CheckHoardReads(db);
        keyspace.ResetStats();
        Console.WriteLine($"// setup: Hoard loaded and checked {DataSet.KeyCount} keys in {clock.ElapsedMilliseconds} ms; " +
            $"UsedMemory {keyspace.UsedMemory} B, LiveBytes {keyspace.LiveBytes} B");
        return keyspace;
    }

    /// <summary>Every loaded key reads back its own value; keys past the loaded range are NotFound.</summary>
    public static void CheckHoardReads(Database db)
    {
        var sink = default(CopySink);
        Span<byte> expected = stackalloc byte[DataSet.ValueLength];
        Span<byte> key = stackalloc byte[DataSet.KeyLength];
        for (var i = 0; i < DataSet.KeyCount; i++)
        {
            DataSet.WriteKey(i, key);
            DataSet.WriteValue(i, expected);
            Require(db.Get(key, ref sink) == StorageStatus.Ok, "GET of a loaded key missed");
            Require(sink.Value.SequenceEqual(expected), "GET returned the wrong bytes");
        }

        RequireValue(db, DataSet.Key(123_456), DataSet.Value(123_456));
        for (var i = DataSet.KeyCount; i < DataSet.KeyCount + 1000; i++)
        {
            DataSet.WriteKey(i, key);
            Require(db.Get(key, ref sink) == StorageStatus.NotFound, "GET of a missing key was not NotFound");
        }
    }

    public static void RequireValue(Database db, ReadOnlySpan<byte> key, ReadOnlySpan<byte> expected)
    {
        var sink = default(CopySink);
        Require(db.Get(key, ref sink) == StorageStatus.Ok, "GET of a known key missed");
        Require(sink.Value.SequenceEqual(expected), "GET of a known key returned the wrong bytes");
    }

    /// <summary>The reference: the same keys and values in a ConcurrentDictionary, each key and value its own array.</summary>
    public static ConcurrentDictionary<byte[], byte[]> LoadDictionary()
    {
        var clock = Stopwatch.StartNew();
        var dictionary = new ConcurrentDictionary<byte[], byte[]>(Environment.ProcessorCount, DataSet.KeyCount, ByteArrayComparer.Instance);
        for (var i = 0; i < DataSet.KeyCount; i++)
        {
            Require(dictionary.TryAdd(DataSet.Key(i), DataSet.Value(i)), "preload TryAdd failed");
        }

        var lookup = dictionary.GetAlternateLookup<ReadOnlySpan<byte>>();
        Require(lookup.TryGetValue(DataSet.Key(123_456), out var value) && value.AsSpan().SequenceEqual(DataSet.Value(123_456)),
            "dictionary GET of a known key is wrong");
        Require(!lookup.ContainsKey(DataSet.Key(DataSet.KeyCount)), "dictionary holds a key it was not given");
        Console.WriteLine($"// setup: ConcurrentDictionary loaded {DataSet.KeyCount} keys in {clock.ElapsedMilliseconds} ms");
        return dictionary;
    }

    public static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }
}
