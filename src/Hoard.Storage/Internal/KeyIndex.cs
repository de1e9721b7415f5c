using System.Runtime.CompilerServices;

namespace Hoard.Storage.Internal;

/// <summary>
/// A shard's index: open addressing with linear probing over 8-byte slots, any capacity (not only powers of
/// two: a key's home is <c>code * capacity &gt;&gt; 23</c>, so the table can grow by 25 % instead of doubling).
/// Growth is incremental, like Redis's dict: a new table is allocated and each insert moves a few slots of the
/// old one, so no single operation pays for a full rehash; lookups check both tables meanwhile.
/// Slot: bits 0-31 entry location, bit 32 has-TTL, bits 33-55 hash code, bits 56-63 eviction state.
/// Not thread-safe: the shard lock holder only.
/// </summary>
internal sealed unsafe class KeyIndex : IDisposable
{
    public const ulong VolatileBit = 1UL << 32;
    public const double GrowAt = 0.85;
    public const double HardLimit = 0.95;
    private const ulong Tombstone = 1; // location 1 (segment 0) is never a real location
    private const int MinCapacity = 64;
    // 1.25x growth at 85 % load leaves 0.21 x old capacity of inserts to move the old table: 16 per insert is ample.
    public const int MigrationStep = 16;

    private ulong* _table;
    private int _capacity;
    private int _count;
    private ulong* _old;
    private int _oldCapacity;
    private int _oldCount;
    private int _migrated;

    public KeyIndex()
    {
        _capacity = MinCapacity;
        _table = Allocate(_capacity);
    }

    public int Count => _count + _oldCount;

    public long Bytes => ((long)_capacity + _oldCapacity) * sizeof(ulong);

    public bool IsMigrating => _old != null;

    public ulong* Table => _table;

    public int Capacity => _capacity;

    public ulong* OldTable => _old;

    public int OldCapacity => _oldCapacity;

    /// <summary>True when the table should grow before another key is added.</summary>
    public bool WantsGrowth => _old == null && Count + 1 > _capacity * GrowAt;

    /// <summary>True when another key must not be added without growing.</summary>
    public bool IsFull => Count + 1 > _capacity * HardLimit;

    /// <summary>Bytes the next growth allocates.</summary>
    public long NextGrowthBytes => (long)NextCapacity * sizeof(ulong);

    private int NextCapacity => Math.Max(MinCapacity, (int)(_capacity * 1.25) + 7 & ~7);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint CodeOf(ulong slot) => (uint)(slot >> 33) & KeyHash.CodeMask;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte AccessOf(ulong slot) => (byte)(slot >> 56);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong WithAccess(ulong slot, byte access) => (slot & 0x00FF_FFFF_FFFF_FFFFUL) | ((ulong)access << 56);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong WithLocation(ulong slot, uint location) => (slot & 0xFFFF_FFFF_0000_0000UL) | location;

    public static ulong Make(uint location, uint code, bool isVolatile, byte access) =>
        location | (isVolatile ? VolatileBit : 0) | ((ulong)code << 33) | ((ulong)access << 56);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Home(uint code, int capacity) => (int)(((ulong)code * (uint)capacity) >> KeyHash.CodeBits);

    public static bool IsLive(ulong slot) => slot > Tombstone;

    /// <summary>The slot holding (<paramref name="database"/>, <paramref name="key"/>), or null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong* Find(SegmentStore store, ReadOnlySpan<byte> key, int database, uint code)
    {
        var slot = Probe(_table, _capacity, store, key, database, code);
        return slot != null || _old == null ? slot : Probe(_old, _oldCapacity, store, key, database, code);
    }

    private static ulong* Probe(ulong* table, int capacity, SegmentStore store, ReadOnlySpan<byte> key, int database, uint code)
    {
        var i = Home(code, capacity);
        while (true)
        {
            var s = table[i];
            if (s == 0)
            {
                return null;
            }

            if (s != Tombstone && CodeOf(s) == code)
            {
                var e = new Entry(store.Pointer((uint)s));
                if (e.Database == database && e.Key.SequenceEqual(key))
                {
                    return table + i;
                }
            }

            if (++i == capacity)
            {
                i = 0;
            }
        }
    }

    /// <summary>The slot pointing at <paramref name="location"/>, or null.</summary>
    public ulong* FindByLocation(uint code, uint location)
    {
        var slot = ProbeLocation(_table, _capacity, code, location);
        return slot != null || _old == null ? slot : ProbeLocation(_old, _oldCapacity, code, location);
    }

    private static ulong* ProbeLocation(ulong* table, int capacity, uint code, uint location)
    {
        var i = Home(code, capacity);
        while (true)
        {
            var s = table[i];
            if (s == 0)
            {
                return null;
            }

            if ((uint)s == location)
            {
                return table + i;
            }

            if (++i == capacity)
            {
                i = 0;
            }
        }
    }

    /// <summary>
    /// Adds a slot for a key known to be absent; returns where it went. The caller moves <see cref="MigrationStep"/>
    /// old slots per insert (<see cref="Migrate"/>) while the index grows.
    /// </summary>
    public ulong* Insert(ulong slot)
    {
        _count++;
        return Place(_table, _capacity, slot);
    }

    private static ulong* Place(ulong* table, int capacity, ulong slot)
    {
        var i = Home(CodeOf(slot), capacity);
        while (table[i] != 0)
        {
            if (++i == capacity)
            {
                i = 0;
            }
        }

        table[i] = slot;
        return table + i;
    }

    /// <summary>Removes the slot at <paramref name="slot"/>; other slots of the current table may move.</summary>
    public void Remove(ulong* slot)
    {
        if (_old != null && slot >= _old && slot < _old + _oldCapacity)
        {
            // Backward shifting in the old table could move a slot behind the migration cursor: use a tombstone.
            *slot = Tombstone;
            _oldCount--;
            return;
        }

        _count--;
        var i = (int)(slot - _table);
        var j = i;
        while (true)
        {
            if (++j == _capacity)
            {
                j = 0;
            }

            var s = _table[j];
            if (s == 0)
            {
                break;
            }

            var home = Home(CodeOf(s), _capacity);
            var stays = i <= j ? i < home && home <= j : i < home || home <= j;
            if (!stays)
            {
                _table[i] = s;
                i = j;
            }
        }

        _table[i] = 0;
    }

    /// <summary>Starts growing into a table of <see cref="NextGrowthBytes"/>; the caller reserved the memory.</summary>
    public void BeginGrowth()
    {
        _old = _table;
        _oldCapacity = _capacity;
        _oldCount = _count;
        _migrated = 0;
        _capacity = NextCapacity;
        _table = Allocate(_capacity);
        _count = 0;
    }

    /// <summary>Moves up to <paramref name="slots"/> old slots; returns the bytes freed when growth completes.</summary>
    public long Migrate(int slots)
    {
        if (_old == null)
        {
            return 0;
        }

        var end = (int)Math.Min(_oldCapacity, (long)_migrated + slots);
        for (; _migrated < end; _migrated++)
        {
            var s = _old[_migrated];
            if (IsLive(s))
            {
                Place(_table, _capacity, s);
                // A tombstone, not a copy left behind (a removed key would come back) nor an empty slot (a probe
                // for a key not yet moved must still pass this position).
                _old[_migrated] = Tombstone;
                _count++;
                _oldCount--;
            }
        }

        if (_migrated < _oldCapacity)
        {
            return 0;
        }

        PageMemory.Free(_old, (nuint)_oldCapacity * sizeof(ulong));
        _old = null;
        var freed = (long)_oldCapacity * sizeof(ulong);
        _oldCapacity = 0;
        _oldCount = 0;
        return freed;
    }

    /// <summary>Collects into <paramref name="found"/> the live slots whose code lies in [lo, hi), in both tables.</summary>
    public int CollectRange(uint lo, uint hi, Span<nint> found)
    {
        var n = CollectRange(_table, _capacity, lo, hi, found);
        if (_old != null)
        {
            n += CollectRange(_old, _oldCapacity, lo, hi, found[n..]);
        }

        return n;
    }

    private static int CollectRange(ulong* table, int capacity, uint lo, uint hi, Span<nint> found)
    {
        if (lo >= hi)
        {
            return 0;
        }

        var n = 0;
        var endHome = Home(hi - 1, capacity);
        var i = Home(lo, capacity);
        var passed = false;
        for (var visited = 0; visited < capacity && n < found.Length; visited++)
        {
            var s = table[i];
            if (s == 0 && passed)
            {
                break;
            }

            if (IsLive(s))
            {
                var code = CodeOf(s);
                if (code >= lo && code < hi)
                {
                    found[n++] = (nint)(table + i);
                }
            }

            if (++i == capacity)
            {
                i = 0;
                passed = true;
            }
            else if (i > endHome)
            {
                passed = true;
            }
        }

        return n;
    }

    /// <summary>
    /// The longest distance, in slots, from a live key's home to where it sits, over both tables: what the slowest
    /// lookup probes. For tests and diagnostics (it walks every slot).
    /// </summary>
    public int LongestProbe() => Math.Max(LongestProbeIn(_table, _capacity), _old == null ? 0 : LongestProbeIn(_old, _oldCapacity));

    private static int LongestProbeIn(ulong* table, int capacity)
    {
        var longest = 0;
        for (var i = 0; i < capacity; i++)
        {
            if (IsLive(table[i]))
            {
                var home = Home(CodeOf(table[i]), capacity);
                longest = Math.Max(longest, i >= home ? i - home : i + capacity - home);
            }
        }

        return longest;
    }

    /// <summary>Empties the index back to its smallest table; returns the change in bytes held.</summary>
    public long Reset()
    {
        var before = Bytes;
        Dispose();
        _capacity = MinCapacity;
        _table = Allocate(_capacity);
        _count = 0;
        _oldCount = 0;
        _oldCapacity = 0;
        _migrated = 0;
        return Bytes - before;
    }

    public void Dispose()
    {
        PageMemory.Free(_table, (nuint)_capacity * sizeof(ulong));
        _table = null;
        if (_old != null)
        {
            PageMemory.Free(_old, (nuint)_oldCapacity * sizeof(ulong));
            _old = null;
        }
    }

    private static ulong* Allocate(int capacity) => (ulong*)PageMemory.Allocate((nuint)capacity * sizeof(ulong));
}
