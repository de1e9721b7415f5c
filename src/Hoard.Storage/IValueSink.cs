namespace Hoard.Storage;

/// <summary>
/// Receives a value that the engine reads. Called while the key's shard is locked: copy the bytes out (e.g. into
/// an output buffer) and return; never call back into the keyspace. Implement it as a struct so the generic call
/// is specialised and allocation-free.
/// </summary>
public interface IValueSink
{
    /// <summary>Takes the value's bytes; the span is valid only during the call.</summary>
    void Write(scoped ReadOnlySpan<byte> value);
}

/// <summary>Receives keys or field/value pairs that the engine enumerates, under the same rules as <see cref="IValueSink"/>.</summary>
public interface IPairSink
{
    /// <summary>One item: a key (with an empty value) or a hash field with its value.</summary>
    void Write(scoped ReadOnlySpan<byte> first, scoped ReadOnlySpan<byte> second);
}
