using System.Buffers;
using Hoard.Protocol;
using Hoard.Storage.SortedSets;

namespace Hoard.Server.Commands.SortedSets;

/// <summary>How <see cref="ScoredReply"/> writes each entry.</summary>
internal enum ScoredShape
{
    /// <summary>The member alone.</summary>
    Members,

    /// <summary>Member then score, flat (RESP2 WITHSCORES; ZPOPMIN without a count).</summary>
    Flat,

    /// <summary>A [member, score] array per entry (RESP3 WITHSCORES, ZMPOP).</summary>
    Pairs,

    /// <summary>Member then score as a bulk string even in RESP3 (ZSCAN).</summary>
    FlatText,
}

/// <summary>
/// Writes the entries a sorted set walk visits into a per-thread scratch buffer, counting them, so that the aggregate
/// header (which needs the count) is written first and the entries copied after it — all without allocating.
/// </summary>
internal ref struct ScoredReply : IScoredVisitor
{
    private readonly ArrayBufferWriter<byte> _output;
    private readonly ScoredShape _shape;
    private RespWriter _writer;

    public ScoredReply(RespVersion version, ScoredShape shape)
    {
        _output = ScratchBuffers.Rent();
        _shape = shape;

        // Bulk strings read the same in both versions; a RESP2 writer spells the scores of FlatText as bulk strings.
        _writer = new RespWriter(_output, shape == ScoredShape.FlatText ? RespVersion.Resp2 : version);
    }

    /// <summary>Entries received.</summary>
    public int Count { get; private set; }

    /// <summary>The number of top-level items the entries make (twice the count when flat).</summary>
    public readonly int Items => _shape is ScoredShape.Flat or ScoredShape.FlatText ? Count * 2 : Count;

    /// <inheritdoc/>
    public bool Visit(scoped ReadOnlySpan<byte> member, double score)
    {
        switch (_shape)
        {
            case ScoredShape.Members:
                _writer.WriteBulkString(member);
                break;
            case ScoredShape.Flat or ScoredShape.FlatText:
                _writer.WriteBulkString(member);
                _writer.WriteDouble(score);
                break;
            default:
                _writer.WriteArrayHeader(2);
                _writer.WriteBulkString(member);
                _writer.WriteDouble(score);
                break;
        }

        Count++;
        return true;
    }

    /// <summary>Writes the array header and the entries into <paramref name="reply"/>, and returns the scratch buffer.</summary>
    public void WriteArrayTo(ref RespWriter reply)
    {
        reply.WriteArrayHeader(Items);
        CopyTo(ref reply);
    }

    /// <summary>Copies the entries written into <paramref name="reply"/> and returns the scratch buffer.</summary>
    public void CopyTo(ref RespWriter reply)
    {
        _writer.Commit();
        reply.WriteRaw(_output.WrittenSpan);
        Release();
    }

    /// <summary>Returns the scratch buffer without copying (the engine call failed).</summary>
    public readonly void Release() => ScratchBuffers.Return(_output);
}
