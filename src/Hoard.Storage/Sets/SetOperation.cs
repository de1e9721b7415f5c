namespace Hoard.Storage.Sets;

/// <summary>
/// The operations of set operation records (<see cref="Replication.RecordKind.ObjectOperation"/> with
/// <see cref="Replication.RecordValueType.Set"/>); each payload is a packed elements form
/// (<see cref="Objects.PackedElements"/>) of at least one member. Values are never renumbered: they travel.
/// </summary>
internal enum SetOperation : byte
{
    /// <summary>Add these members (SADD, SMOVE's destination); a missing key becomes a set.</summary>
    Add = 1,

    /// <summary>Remove these members (SREM, SPOP's picks, SMOVE's source); a set left empty is deleted.</summary>
    Remove = 2,
}
