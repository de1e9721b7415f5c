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
}
