using Hoard.Storage.Replication;

namespace Hoard.Storage.Objects;

/// <summary>
/// A value that lives as a managed object in its shard's object table, its entry holding a 4-byte handle: a large
/// hash (<see cref="Internal.EntryType.HashTable"/>) or a list, set or sorted set (<see cref="Internal.EntryType.Object"/>).
/// The engine removes, copies, measures, snapshots and replicates these through this class alone; each type keeps
/// its own compact-while-small / rich-when-large encodings inside (<see cref="Encoding"/>).
/// </summary>
/// <remarks>Not thread-safe: only the holder of the key's shard lock touches it.</remarks>
internal abstract class StoredObject
{
    /// <summary>The type TYPE reports.</summary>
    public abstract ValueKind Kind { get; }

    /// <summary>The type of its upsert record and DUMP payload; its packed form is <see cref="WritePacked"/>'s.</summary>
    public abstract RecordValueType RecordType { get; }

    /// <summary>OBJECT ENCODING's word for the current encoding (Redis's names: listpack, quicklist, intset, …).</summary>
    public abstract string Encoding { get; }

    /// <summary>The number of elements (fields, members); a key whose object reaches 0 is deleted.</summary>
    public abstract int Count { get; }

    /// <summary>
    /// The managed memory it holds, estimated from its contents and maintained by every change (O(1) to read):
    /// what maxmemory, eviction, INFO and MEMORY USAGE count for it.
    /// </summary>
    public abstract long ByteSize { get; }

    /// <summary>The length of the packed form (<see cref="RecordValueType"/>).</summary>
    public abstract int GetPackedSize();

    /// <summary>Writes the packed form into exactly <see cref="GetPackedSize"/> bytes.</summary>
    /// <returns>The bytes written.</returns>
    public abstract int WritePacked(Span<byte> destination);

    /// <summary>An independent copy (COPY).</summary>
    public abstract StoredObject Clone();
}
