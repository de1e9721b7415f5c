namespace Hoard.Storage.Replication;

/// <summary>How an upsert record's value is to be read. Values are never renumbered: they travel.</summary>
public enum RecordValueType : byte
{
    /// <summary>A byte string, as is.</summary>
    String = 0,

    /// <summary>A string holding a 64-bit integer: 8 little-endian bytes (what INCR stores).</summary>
    Integer = 1,

    /// <summary>A hash in the packed form: <c>varint count, count × (varint length, field, varint length, value)</c>.</summary>
    Hash = 2,

    /// <summary>A list in the packed elements form (<see cref="Objects.PackedElements"/>), head first.</summary>
    List = 3,

    /// <summary>A set in the packed elements form (<see cref="Objects.PackedElements"/>), members in any order.</summary>
    Set = 4,

    /// <summary>
    /// A sorted set: <c>varint count, count × (varint length, member, score as a float64 LE)</c>, in ascending
    /// (score, member) order.
    /// </summary>
    SortedSet = 5,
}
