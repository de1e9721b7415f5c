namespace Hoard.Storage.SortedSets;

/// <summary>ZADD's conditions (<see href="https://redis.io/docs/latest/commands/zadd/"/>); CH only changes the reply.</summary>
[Flags]
public enum SortedSetAddFlags
{
    /// <summary>Add new members and update existing ones.</summary>
    None = 0,

    /// <summary>NX: only add new members.</summary>
    OnlyNew = 1,

    /// <summary>XX: only update existing members.</summary>
    OnlyExisting = 2,

    /// <summary>GT: update an existing member only to a greater score.</summary>
    GreaterThan = 4,

    /// <summary>LT: update an existing member only to a lower score.</summary>
    LessThan = 8,

    /// <summary>INCR: add the score to the current one (one member only).</summary>
    Increment = 16,
}
