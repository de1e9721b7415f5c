namespace Hoard.Storage;

/// <summary>The type of a key's value, as TYPE reports it.</summary>
public enum ValueKind : byte
{
    /// <summary>No such key (TYPE answers <c>none</c>).</summary>
    None,
    /// <summary>A byte string.</summary>
    String,
    /// <summary>A hash of fields to values.</summary>
    Hash,
    /// <summary>A list (reserved for a later data type).</summary>
    List,
    /// <summary>A set (reserved for a later data type).</summary>
    Set,
    /// <summary>A sorted set (reserved for a later data type).</summary>
    SortedSet,
}
