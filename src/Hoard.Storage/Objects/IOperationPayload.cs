namespace Hoard.Storage.Objects;

/// <summary>
/// What an object operation record (<see cref="Replication.RecordKind.ObjectOperation"/>) carries after its operation
/// byte: written straight into the record, so a write allocates nothing for its record.
/// </summary>
internal interface IOperationPayload
{
    /// <summary>The payload's length in bytes.</summary>
    int Length { get; }

    /// <summary>Writes exactly <see cref="Length"/> bytes.</summary>
    void Write(Span<byte> destination);
}

/// <summary>A payload of elements in the packed elements form (<see cref="PackedElements"/>).</summary>
/// <typeparam name="TElements">Where the elements are.</typeparam>
internal readonly ref struct ElementsPayload<TElements>(in TElements elements) : IOperationPayload
    where TElements : IElements, allows ref struct
{
    private readonly TElements _elements = elements;

    /// <inheritdoc/>
    public int Length => PackedElements.SizeOf(_elements);

    /// <inheritdoc/>
    public void Write(Span<byte> destination) => PackedElements.Write(destination, _elements);
}
