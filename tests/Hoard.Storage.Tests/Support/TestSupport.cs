using System.Text;

namespace Hoard.Storage.Tests.Support;

/// <summary>A clock that moves only when a test says so.</summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private long _unixMs;

    public ManualTimeProvider(long startUnixMs = 1_700_000_000_000) => _unixMs = startUnixMs;

    public long NowMs => Interlocked.Read(ref _unixMs);

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(NowMs);

    public void Advance(long ms) => Interlocked.Add(ref _unixMs, ms);

    public void Advance(TimeSpan by) => Advance((long)by.TotalMilliseconds);
}

/// <summary>Keeps a copy of the last value written.</summary>
public struct BytesSink : IValueSink
{
    public byte[]? Value;

    public void Write(scoped ReadOnlySpan<byte> value) => Value = value.ToArray();

    public readonly string? Text => Value == null ? null : Encoding.UTF8.GetString(Value);
}

/// <summary>Collects keys or field/value pairs in the order given.</summary>
public sealed class PairList : IPairSink
{
    public List<(string First, string Second)> Items { get; } = new();

    public IEnumerable<string> Firsts => Items.Select(i => i.First);

    public void Write(scoped ReadOnlySpan<byte> first, scoped ReadOnlySpan<byte> second) =>
        Items.Add((Encoding.UTF8.GetString(first), Encoding.UTF8.GetString(second)));
}

/// <summary>Counts key events by kind.</summary>
public sealed class CountingObserver : IKeyspaceObserver
{
    private long _modified, _deleted, _expired, _evicted;

    public long Modified => Interlocked.Read(ref _modified);

    public long Deleted => Interlocked.Read(ref _deleted);

    public long Expired => Interlocked.Read(ref _expired);

    public long Evicted => Interlocked.Read(ref _evicted);

    public void OnKeyEvent(KeyEvent kind, int database, ReadOnlySpan<byte> key)
    {
        switch (kind)
        {
            case KeyEvent.Modified:
                Interlocked.Increment(ref _modified);
                break;
            case KeyEvent.Deleted:
                Interlocked.Increment(ref _deleted);
                break;
            case KeyEvent.Expired:
                Interlocked.Increment(ref _expired);
                break;
            case KeyEvent.Evicted:
                Interlocked.Increment(ref _evicted);
                break;
        }
    }
}

/// <summary>String-friendly shortcuts over <see cref="Database"/> for readable tests.</summary>
public static class DatabaseText
{
    public static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    public static StorageStatus SetText(this Database db, string key, string value,
        SetCondition condition = SetCondition.Always, Expiry expiry = default) =>
        db.Set(B(key), B(value), condition, expiry);

    /// <summary>The value, or null when the key is missing; fails on any other status.</summary>
    public static string? GetText(this Database db, string key)
    {
        var sink = default(BytesSink);
        var status = db.Get(B(key), ref sink);
        Assert.True(status is StorageStatus.Ok or StorageStatus.NotFound, $"GET {key}: {status}");
        return status == StorageStatus.Ok ? sink.Text : null;
    }

    public static (StorageStatus Status, string? Value) TryGetText(this Database db, string key)
    {
        var sink = default(BytesSink);
        var status = db.Get(B(key), ref sink);
        return (status, sink.Text);
    }

    public static StorageStatus HSetText(this Database db, string key, string field, string value, bool onlyIfNew = false) =>
        db.HashSet(B(key), B(field), B(value), onlyIfNew, out _);

    public static (StorageStatus Status, string? Value) HGetText(this Database db, string key, string field)
    {
        var sink = default(BytesSink);
        var status = db.HashGet(B(key), B(field), ref sink);
        return (status, sink.Text);
    }

    public static List<(string Field, string Value)> HGetAllText(this Database db, string key)
    {
        var pairs = new PairList();
        var status = db.HashGetAll(B(key), ref pairs);
        Assert.True(status is StorageStatus.Ok or StorageStatus.NotFound, $"HGETALL {key}: {status}");
        return pairs.Items;
    }

    public static List<string> AllKeys(this Database db, string pattern = "*")
    {
        var keys = new PairList();
        db.Keys(B(pattern), ref keys);
        return keys.Firsts.ToList();
    }
}
