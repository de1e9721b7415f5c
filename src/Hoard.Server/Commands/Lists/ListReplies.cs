using Hoard.Protocol;
using Hoard.Storage;

namespace Hoard.Server.Commands.Lists;

/// <summary>
/// Writes the elements the engine reads straight into the reply: an array header when the count is known, then each
/// element as a bulk string. With a key (LMPOP, BLPOP) the key comes first, as Redis's replies have it: BLPOP's
/// <c>[key, element]</c> (<see cref="Nested"/> false) or LMPOP's <c>[key, [elements…]]</c>. Without
/// <see cref="Array"/>, one bulk string (LPOP without a count). Holds the writer during the engine call: take it back
/// with <see cref="Writer"/>.
/// </summary>
internal ref struct ListReply : ICountedSink
{
    /// <summary>The reply writer, lent for the engine call.</summary>
    public RespWriter Writer;

    private readonly ReadOnlySpan<byte> _key;

    public ListReply(RespWriter writer, bool array = true, ReadOnlySpan<byte> key = default, bool keyed = false, bool nested = true)
    {
        Writer = writer;
        Array = array;
        _key = key;
        Keyed = keyed;
        Nested = nested;
    }

    /// <summary>Whether the elements form an array (else one bulk string).</summary>
    public bool Array { get; }

    /// <summary>Whether the key precedes the elements.</summary>
    public bool Keyed { get; }

    /// <summary>With a key: whether the elements are an array inside the pair.</summary>
    public bool Nested { get; }

    /// <summary>Whether <see cref="Start"/> was called (the engine found a list).</summary>
    public bool Started { get; private set; }

    /// <summary>How many elements <see cref="Start"/> announced (0 before it).</summary>
    public int Count { get; private set; }

    /// <inheritdoc/>
    public void Start(int count)
    {
        Started = true;
        Count = count;
        if (Keyed)
        {
            Writer.WriteArrayHeader(2);
            Writer.WriteBulkString(_key);
            if (Nested)
            {
                Writer.WriteArrayHeader(count);
            }
        }
        else if (Array)
        {
            Writer.WriteArrayHeader(count);
        }
    }

    /// <inheritdoc/>
    public void Write(scoped ReadOnlySpan<byte> value) => Writer.WriteBulkString(value);
}

/// <summary>Copies the elements the engine hands over (a blocked client's reply is written later).</summary>
internal struct CopyReply : ICountedSink
{
    public CopyReply() => Items = [];

    /// <summary>The elements, in order.</summary>
    public List<byte[]> Items { get; }

    /// <summary>Whether <see cref="Start"/> was called.</summary>
    public bool Started { get; private set; }

    /// <inheritdoc/>
    public void Start(int count) => Started = true;

    /// <inheritdoc/>
    public readonly void Write(scoped ReadOnlySpan<byte> value) => Items.Add(value.ToArray());
}
