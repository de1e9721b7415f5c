namespace Hoard.Storage.Internal;

/// <summary>How an entry's value bytes are to be read (3 bits of the entry's flag byte).</summary>
internal enum EntryType : byte
{
    /// <summary>A byte string stored as is.</summary>
    StringRaw = 0,
    /// <summary>A string holding a 64-bit integer, stored as 8 little-endian bytes (INCR and friends).</summary>
    StringInt = 1,
    /// <summary>A small hash in the packed encoding (<see cref="Hashes.PackedHash"/>).</summary>
    HashPacked = 2,
    /// <summary>A large hash: the value is a 4-byte handle of a <see cref="Hashes.HashTable"/> in the shard's object table.</summary>
    HashTable = 3,
    /// <summary>
    /// A list, set or sorted set: the value is a 4-byte handle of its <see cref="Objects.StoredObject"/> in the shard's
    /// object table, which keeps its own small and large encodings. (Values 5–7 are free.)
    /// </summary>
    Object = 4,
}
