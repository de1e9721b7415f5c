namespace Hoard.Storage.SortedSets;

/// <summary>
/// The operations a sorted set's object operation records carry (<see cref="Replication.RecordKind.ObjectOperation"/>
/// with <see cref="Replication.RecordValueType.SortedSet"/>). Each replays deterministically on a copy in the same
/// state. Numbers travel: never renumber.
/// </summary>
public enum SortedSetOperation : byte
{
    /// <summary>
    /// Set members' final scores (after ZADD's NX/XX/GT/LT/INCR decisions, ZINCRBY's sum), adding those missing, in
    /// order: <c>varint count, count × (varint length, member, float64 LE score)</c>.
    /// </summary>
    SetScores = 1,

    /// <summary>Remove members (ZREM): the packed elements form (<see cref="Objects.PackedElements"/>).</summary>
    Remove = 2,

    /// <summary>
    /// Remove the entries of ascending ranks start to end, inclusive (ZREMRANGEBY*, ZPOPMIN/ZPOPMAX, ZMPOP):
    /// <c>varint start, varint end</c>.
    /// </summary>
    RemoveRange = 3,
}
