using System.Collections.Concurrent;

namespace Hoard.Client;

/// <summary>
/// The near cache (L1): values kept in this process, dropped when the cluster says their key changed. A value read from
/// the cluster is kept only if no change of its key was heard while it was being read (<see cref="Snapshot"/>): a
/// notice that overtook the reply must not leave the old value behind. While <see cref="Available"/> is false (a
/// notice connection is down, so changes may go unheard) nothing is served or kept.
/// </summary>
internal sealed class NearCache(int maxEntries)
{
    private const int Stripes = 4096;

    private readonly ConcurrentDictionary<string, NearEntry> _entries = new(StringComparer.Ordinal);
    private readonly long[] _changes = new long[Stripes];
    private long _clears;
    private int _sets;
    private volatile bool _available;

    /// <summary>Whether every node's notices are heard (else the near cache is bypassed and empty).</summary>
    public bool Available
    {
        get => _available;
        set
        {
            if (!value)
            {
                Clear();
            }

            _available = value;
        }
    }

    public int Count => _entries.Count;

    public bool Contains(string key) => _entries.ContainsKey(key);

    /// <summary>What has been heard of <paramref name="key"/> so far; pass it to <see cref="Set"/> after reading the value.</summary>
    public (long Changes, long Clears) Snapshot(string key) =>
        (Volatile.Read(ref _changes[Stripe(key)]), Volatile.Read(ref _clears));

    public bool TryGet(string key, out NearEntry entry)
    {
        entry = null!;
        return _available && _entries.TryGetValue(key, out entry!);
    }

    /// <summary>Keeps a value read since <paramref name="before"/> unless its key changed (or everything was dropped) meanwhile.</summary>
    public void Set(string key, NearEntry entry, (long Changes, long Clears) before)
    {
        if (!_available || Snapshot(key) != before)
        {
            return;
        }

        _entries[key] = entry;
        if ((Interlocked.Increment(ref _sets) & 255) == 0 && _entries.Count > maxEntries)
        {
            Trim(); // looked at every 256 stores: counting the entries takes every lock of the dictionary
        }

        // A change heard between the check above and the store: the notice may have removed nothing yet.
        if (Snapshot(key) != before)
        {
            _entries.TryRemove(KeyValuePair.Create(key, entry));
        }
    }

    /// <summary>The key changed: its value goes, and a read of it under way does not keep what it read.</summary>
    public void Invalidate(string key)
    {
        Interlocked.Increment(ref _changes[Stripe(key)]);
        _entries.TryRemove(key, out _);
    }

    /// <summary>Everything goes (a flush, or notices that may have been missed).</summary>
    public void Clear()
    {
        Interlocked.Increment(ref _clears);
        _entries.Clear();
    }

    /// <summary>Drops entries, in no particular order, until an eighth of the room is free.</summary>
    private void Trim()
    {
        var drop = _entries.Count - maxEntries + Math.Max(1, maxEntries / 8);
        foreach (var key in _entries.Keys)
        {
            if (drop-- <= 0)
            {
                break;
            }

            _entries.TryRemove(key, out _);
        }
    }

    private static int Stripe(string key) => (int)((uint)StringComparer.Ordinal.GetHashCode(key) % Stripes);
}

/// <summary>A value in the near cache: the object, until when it is fresh, and how long it took to compute (ms).</summary>
internal sealed record NearEntry(object? Value, long FreshUntil, int ComputeMs);
