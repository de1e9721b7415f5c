using System.Runtime.InteropServices;
using Hoard.Storage.Hashes;

namespace Hoard.Storage.Sets;

/// <summary>
/// The large encoding of a set (Redis's hashtable encoding): the layout of <see cref="HashTable"/> without values — a
/// dense array of members and a dictionary from member to its index (the same <see cref="HashTable.FieldComparer"/>),
/// with swap-remove. That gives O(1) add, remove and lookup, O(1) uniform random picks (SPOP, SRANDMEMBER) and a
/// SCAN cursor with SCAN's guarantees (<see cref="GetAt"/> from the top down, as HSCAN walks a hash table).
/// </summary>
/// <remarks>Not thread-safe: only the holder of the key's shard lock touches it.</remarks>
internal sealed class SetTable
{
    /// <summary>
    /// Estimated bytes per member besides its array: the dictionary entry (hash code 4 + next 4 + key reference 8 +
    /// int value 4, padded to 24), its bucket (4) and the dense slot (one reference, 8). Measured with
    /// <see cref="GC.GetTotalMemory(bool)"/> on 50 sets of 10,000 8-byte members: 72.3 bytes a member against the
    /// estimate's 68 (the rest is the spare capacity of doubling growth, deliberately not counted); an intset of 400
    /// integers 1,696 bytes against 1,680, a listpack of 120 members 4,947 against 4,880.
    /// </summary>
    public const int EntryOverhead = 36;

    /// <summary>Fixed bytes of a table: this object, the dictionary object and the headers of its three arrays.</summary>
    public const int TableOverhead = HashTable.TableOverhead;

    private readonly Dictionary<byte[], int> _index;
    private readonly Dictionary<byte[], int>.AlternateLookup<ReadOnlySpan<byte>> _lookup;
    private byte[][] _slots;
    private int _count;
    private long _byteSize = TableOverhead;

    /// <summary>Creates an empty table with room for <paramref name="capacity"/> members.</summary>
    public SetTable(int capacity)
    {
        _index = new Dictionary<byte[], int>(capacity, HashTable.FieldComparer.Instance);
        _lookup = _index.GetAlternateLookup<ReadOnlySpan<byte>>();
        _slots = capacity == 0 ? [] : new byte[capacity][];
    }

    /// <summary>The number of members.</summary>
    public int Count => _count;

    /// <summary>Estimated managed bytes (maintained by every change; see <see cref="EntryByteSize"/>).</summary>
    public long ByteSize => _byteSize;

    /// <summary>The bytes <see cref="ByteSize"/> counts for a member of <paramref name="length"/> bytes.</summary>
    public static long EntryByteSize(int length) => EntryOverhead + HashTable.ArraySize(length);

    /// <summary>Whether <paramref name="member"/> is in the set.</summary>
    public bool Contains(ReadOnlySpan<byte> member) => _lookup.ContainsKey(member);

    /// <summary>Adds a member; false when it was there already.</summary>
    public bool Add(ReadOnlySpan<byte> member)
    {
        if (_lookup.ContainsKey(member))
        {
            return false;
        }

        if (_count == _slots.Length)
        {
            Array.Resize(ref _slots, Math.Max(4, (int)Math.Min(Array.MaxLength, 2L * _slots.Length)));
        }

        var array = member.ToArray();
        _index.Add(array, _count);
        _slots[_count++] = array;
        _byteSize += EntryByteSize(array.Length);
        return true;
    }

    /// <summary>Removes a member (the last slot moves into its place); false when it was not there.</summary>
    public bool Remove(ReadOnlySpan<byte> member)
    {
        if (!_lookup.Remove(member, out _, out var index))
        {
            return false;
        }

        _byteSize -= EntryByteSize(_slots[index].Length);
        var last = _count - 1;
        if (index != last)
        {
            _slots[index] = _slots[last];
            CollectionsMarshal.GetValueRefOrNullRef(_index, _slots[index]) = index;
        }

        _slots[last] = null!;
        _count = last;
        return true;
    }

    /// <summary>The member in slot <paramref name="index"/> (0 to <see cref="Count"/> - 1), owned by the table.</summary>
    public byte[] GetAt(int index) => _slots[index];
}
