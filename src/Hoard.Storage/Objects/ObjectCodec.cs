using Hoard.Storage.Replication;

namespace Hoard.Storage.Objects;

/// <summary>Builds the object of a list, set or sorted set from its packed form (an upsert record, a RESTORE payload).</summary>
internal static class ObjectCodec
{
    /// <summary>The object <paramref name="packed"/> describes, in the encoding <paramref name="options"/> choose for its size.</summary>
    /// <exception cref="InvalidDataException">The packed form is malformed or empty, or the type has no object form.</exception>
    public static StoredObject FromPacked(RecordValueType type, ReadOnlySpan<byte> packed, StorageOptions options) => type switch
    {
        RecordValueType.Set => Sets.SetObject.FromPacked(packed, options),
        RecordValueType.SortedSet => SortedSets.SortedSetObject.FromPacked(packed, options),
        RecordValueType.List => Lists.ListObject.FromPacked(packed, options.ListMaxListpackSize),
        _ => throw new InvalidDataException($"A {type} value cannot be stored yet ({packed.Length} bytes, {options.HashMaxListpackEntries})."),
    };
}
