namespace Hoard.Storage.Replication;

/// <summary>What a replication record says (docs/replication.md). Values are never renumbered: they travel.</summary>
public enum RecordKind : byte
{
    /// <summary>A key now holds exactly this type, value and expiry.</summary>
    Upsert = 1,

    /// <summary>A key is gone (deleted, expired or evicted).</summary>
    Delete = 2,

    /// <summary>Every key of one database is gone.</summary>
    FlushDatabase = 3,

    /// <summary>Every key of every database is gone.</summary>
    FlushAll = 4,

    /// <summary>Two databases swapped their contents.</summary>
    SwapDatabases = 5,

    /// <summary>
    /// A key is a hash and these fields hold these values; its other fields are unchanged. A missing key (or one of
    /// another type, which it replaces) is created with the record's expiry; an existing hash keeps its own.
    /// </summary>
    HashFieldsSet = 6,

    /// <summary>A hash no longer has this field; a hash left without fields is gone.</summary>
    HashFieldDelete = 7,

    /// <summary>
    /// An operation on a list, set or sorted set that replays to the same result from the same state (a push, a pop,
    /// members added or removed): what changed, not the whole value. Each data type defines its operations.
    /// </summary>
    ObjectOperation = 8,
}
