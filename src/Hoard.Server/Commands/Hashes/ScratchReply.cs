using System.Buffers;
using Hoard.Protocol;
using Hoard.Storage;

namespace Hoard.Server.Commands.Hashes;

/// <summary>How <see cref="ScratchReply"/> writes each pair the engine enumerates.</summary>
internal enum PairShape
{
    /// <summary>The first item only (HKEYS, HRANDFIELD without values).</summary>
    First,
    /// <summary>The second item only (HVALS).</summary>
    Second,
    /// <summary>Both, one after the other (HGETALL, RESP2 WITHVALUES, HSCAN).</summary>
    Both,
    /// <summary>Both as a two-element array (RESP3 HRANDFIELD WITHVALUES).</summary>
    NestedPair,
}

/// <summary>
/// Writes the items the engine enumerates into a per-thread scratch buffer, counting them, so that the aggregate
/// header (which needs the count) can be written first and the items copied after it. Reading the length first and
/// then the items would race with other clients' writes and could send a header that does not match.
/// </summary>
internal ref struct ScratchReply : IPairSink
{
    private readonly ArrayBufferWriter<byte> _output;
    private readonly PairShape _shape;
    private RespWriter _writer;

    public ScratchReply(RespVersion version, PairShape shape)
    {
        _output = ScratchBuffers.Rent();
        _shape = shape;
        _writer = new RespWriter(_output, version);
    }

    /// <summary>Pairs received.</summary>
    public int Count { get; private set; }

    /// <inheritdoc/>
    public void Write(scoped ReadOnlySpan<byte> first, scoped ReadOnlySpan<byte> second)
    {
        switch (_shape)
        {
            case PairShape.First:
                _writer.WriteBulkString(first);
                break;
            case PairShape.Second:
                _writer.WriteBulkString(second);
                break;
            case PairShape.Both:
                _writer.WriteBulkString(first);
                _writer.WriteBulkString(second);
                break;
            default:
                _writer.WriteArrayHeader(2);
                _writer.WriteBulkString(first);
                _writer.WriteBulkString(second);
                break;
        }

        Count++;
    }

    /// <summary>Copies the items written into <paramref name="reply"/> and returns the scratch buffer.</summary>
    public void CopyTo(ref RespWriter reply)
    {
        _writer.Commit();
        reply.WriteRaw(_output.WrittenSpan);
        Release();
    }

    /// <summary>Returns the scratch buffer without copying (the engine call failed).</summary>
    public readonly void Release() => ScratchBuffers.Return(_output);
}
