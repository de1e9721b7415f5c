namespace Hoard.Storage.Lists;

/// <summary>
/// The operations of a list's object operation records (<see cref="Replication.RecordKind.ObjectOperation"/>) and their
/// payloads. Numbers travel between nodes: never renumber. Every operation replays deterministically on a node holding
/// the same list (pops name how many, not which).
/// </summary>
public enum ListOperation : byte
{
    /// <summary>LPUSH/LPUSHX, the push half of LMOVE: elements (<see cref="Objects.PackedElements"/>) pushed at the head one by one.</summary>
    PushLeft = 1,

    /// <summary>RPUSH/RPUSHX, the push half of LMOVE: elements (<see cref="Objects.PackedElements"/>) pushed at the tail one by one.</summary>
    PushRight = 2,

    /// <summary>LPOP (and BLPOP, LMPOP, the pop half of LMOVE …): <c>varint count</c> elements popped from the head.</summary>
    PopLeft = 3,

    /// <summary>RPOP and its blocking and moving forms: <c>varint count</c> elements popped from the tail.</summary>
    PopRight = 4,

    /// <summary>LSET: <c>varint index (from the head), varint length, element</c>.</summary>
    Set = 5,

    /// <summary>LINSERT: <c>before (1 byte, 1 = BEFORE), varint length, pivot, varint length, element</c>.</summary>
    Insert = 6,

    /// <summary>LREM: <c>varint zigzag count, varint length, element</c>.</summary>
    Remove = 7,

    /// <summary>LTRIM that keeps elements: <c>varint from, varint to</c> (from the head, inclusive).</summary>
    Trim = 8,
}
