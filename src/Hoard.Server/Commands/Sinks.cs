using Hoard.Protocol;
using Hoard.Storage;

namespace Hoard.Server.Commands;

/// <summary>
/// Writes a value the engine reads straight into the reply as a bulk string, without a copy in between. It holds
/// the reply writer while the engine runs: take it back with <see cref="Writer"/> afterwards.
/// </summary>
public ref struct BulkReply : IValueSink
{
    /// <summary>The reply writer, lent for the engine call.</summary>
    public RespWriter Writer;

    /// <summary>Takes the reply writer.</summary>
    public BulkReply(RespWriter writer) => Writer = writer;

    /// <summary>Whether a value was written.</summary>
    public bool Written { get; private set; }

    /// <inheritdoc/>
    public void Write(scoped ReadOnlySpan<byte> value)
    {
        Writer.WriteBulkString(value);
        Written = true;
    }
}

/// <summary>Collects enumerated items into a list, for replies whose length must be known before the items.</summary>
public struct CollectingSink : IPairSink, IValueSink
{
    /// <summary>Creates an empty collector.</summary>
    public CollectingSink() => Items = [];

    /// <summary>Items in order: keys, or field and value alternately.</summary>
    public List<byte[]> Items { get; }

    /// <summary>Whether pairs keep their second item.</summary>
    public bool WithValues { get; init; }

    /// <inheritdoc/>
    public readonly void Write(scoped ReadOnlySpan<byte> first, scoped ReadOnlySpan<byte> second)
    {
        Items.Add(first.ToArray());
        if (WithValues)
        {
            Items.Add(second.ToArray());
        }
    }

    /// <inheritdoc/>
    public readonly void Write(scoped ReadOnlySpan<byte> value) => Items.Add(value.ToArray());
}
