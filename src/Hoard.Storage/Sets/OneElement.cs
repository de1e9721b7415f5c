namespace Hoard.Storage.Sets;

/// <summary>A single element as an <see cref="IElements"/> (SMOVE's member), read in place.</summary>
/// <param name="element">The element.</param>
internal readonly ref struct OneElement(ReadOnlySpan<byte> element) : IElements
{
    private readonly ReadOnlySpan<byte> _element = element;

    /// <inheritdoc/>
    public int Count => 1;

    /// <inheritdoc/>
    public ReadOnlySpan<byte> this[int index] => index == 0 ? _element : throw new ArgumentOutOfRangeException(nameof(index));
}
