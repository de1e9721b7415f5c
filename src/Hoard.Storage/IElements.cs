namespace Hoard.Storage;

/// <summary>
/// A list of byte strings a command passes to the keyspace (the elements of an LPUSH, the members of an SADD),
/// read in place: the server's arguments, or the elements of a record being applied.
/// </summary>
public interface IElements
{
    /// <summary>The number of elements.</summary>
    int Count { get; }

    /// <summary>Element <paramref name="index"/>, valid until the list changes.</summary>
    ReadOnlySpan<byte> this[int index] { get; }
}

/// <summary>Elements held in arrays (a record's, once read).</summary>
/// <param name="items">The elements.</param>
public readonly struct ArrayElements(byte[][] items) : IElements
{
    /// <inheritdoc/>
    public int Count => items.Length;

    /// <inheritdoc/>
    public ReadOnlySpan<byte> this[int index] => items[index];
}
