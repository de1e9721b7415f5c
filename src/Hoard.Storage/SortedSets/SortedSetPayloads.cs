using Hoard.Storage.Hashes;
using Hoard.Storage.Objects;

namespace Hoard.Storage.SortedSets;

/// <summary>A <see cref="SortedSetOperation.SetScores"/> payload: the members whose score is not NaN, with it.</summary>
/// <typeparam name="TElements">Where the members are.</typeparam>
internal readonly ref struct ScoresPayload<TElements>(in TElements members, ReadOnlySpan<double> scores) : IOperationPayload
    where TElements : IElements, allows ref struct
{
    private readonly TElements _members = members;
    private readonly ReadOnlySpan<double> _scores = scores;

    /// <inheritdoc/>
    public int Length
    {
        get
        {
            var count = 0;
            var size = 0;
            for (var i = 0; i < _members.Count; i++)
            {
                if (!double.IsNaN(_scores[i]))
                {
                    count++;
                    size += PackedSortedSet.EntrySize(_members[i].Length);
                }
            }

            return VarInt.SizeOf((ulong)count) + size;
        }
    }

    /// <inheritdoc/>
    public void Write(Span<byte> destination)
    {
        var count = 0;
        for (var i = 0; i < _members.Count; i++)
        {
            count += double.IsNaN(_scores[i]) ? 0 : 1;
        }

        var p = VarInt.Write(destination, (ulong)count);
        for (var i = 0; i < _members.Count; i++)
        {
            if (!double.IsNaN(_scores[i]))
            {
                p += PackedSortedSet.Write(destination[p..], _members[i], _scores[i]);
            }
        }
    }
}

/// <summary>A <see cref="SortedSetOperation.RemoveRange"/> payload.</summary>
/// <param name="start">The first rank removed.</param>
/// <param name="end">The last rank removed.</param>
internal readonly struct RankRangePayload(int start, int end) : IOperationPayload
{
    /// <inheritdoc/>
    public int Length => VarInt.SizeOf((ulong)start) + VarInt.SizeOf((ulong)end);

    /// <inheritdoc/>
    public void Write(Span<byte> destination)
    {
        var p = VarInt.Write(destination, (ulong)start);
        VarInt.Write(destination[p..], (ulong)end);
    }
}

/// <summary>A payload passed on as received (a replayed record a slot import writes again).</summary>
internal readonly ref struct RawPayload(ReadOnlySpan<byte> bytes) : IOperationPayload
{
    private readonly ReadOnlySpan<byte> _bytes = bytes;

    /// <inheritdoc/>
    public int Length => _bytes.Length;

    /// <inheritdoc/>
    public void Write(Span<byte> destination) => _bytes.CopyTo(destination);
}
