namespace Hoard.Storage.SortedSets;

/// <summary>"Entries below a score": score &lt; <paramref name="value"/>, or ≤ it when <paramref name="inclusive"/>.</summary>
/// <param name="value">The score.</param>
/// <param name="inclusive">Whether an entry at the score itself counts as before.</param>
public readonly struct ScoreBound(double value, bool inclusive) : IEntryBound
{
    /// <inheritdoc/>
    public bool Before(double score, ReadOnlySpan<byte> member) => inclusive ? score <= value : score < value;
}

/// <summary>
/// "Entries below a member" (lexicographic, for sets whose scores are all equal): member &lt; <see cref="Value"/>, or ≤
/// it when inclusive; <see cref="Kind"/> selects the "-" (nothing before) and "+" (everything before) bounds.
/// </summary>
public readonly ref struct LexBound : IEntryBound
{
    /// <summary>Creates a bound.</summary>
    public LexBound(ReadOnlySpan<byte> value, bool inclusive, LexBoundKind kind)
    {
        Value = value;
        Inclusive = inclusive;
        Kind = kind;
    }

    /// <summary>The member compared with.</summary>
    public ReadOnlySpan<byte> Value { get; }

    /// <summary>Whether a member equal to <see cref="Value"/> counts as before.</summary>
    public bool Inclusive { get; }

    /// <summary>A finite bound, or "-" / "+".</summary>
    public LexBoundKind Kind { get; }

    /// <inheritdoc/>
    public bool Before(double score, ReadOnlySpan<byte> member) => Kind switch
    {
        LexBoundKind.MinusInfinity => false,
        LexBoundKind.PlusInfinity => true,
        _ => Inclusive ? member.SequenceCompareTo(Value) <= 0 : member.SequenceCompareTo(Value) < 0,
    };
}

/// <summary>What a <see cref="LexBound"/> is.</summary>
public enum LexBoundKind
{
    /// <summary>A member, "[a" or "(a".</summary>
    Finite,

    /// <summary>"-": below every member.</summary>
    MinusInfinity,

    /// <summary>"+": above every member.</summary>
    PlusInfinity,
}
