using Hoard.Storage.SortedSets;

namespace Hoard.Server.Commands.SortedSets;

/// <summary>Parsing of score and lexicographic range bounds as Redis's zslParseRange / zslParseLexRange do.</summary>
internal static class RangeArguments
{
    /// <summary><c>-ERR min or max is not a float</c></summary>
    public static ReadOnlySpan<byte> NotFloatRange => "ERR min or max is not a float"u8;

    /// <summary><c>-ERR min or max not valid string range item</c></summary>
    public static ReadOnlySpan<byte> NotLexRange => "ERR min or max not valid string range item"u8;

    /// <summary>
    /// Parses a score bound: <c>1.5</c>, <c>(1.5</c> (exclusive), <c>-inf</c>, <c>+inf</c>. As the range's start
    /// (<paramref name="isMax"/> false) the bound says which entries lie below it; as its end, which lie at or below.
    /// </summary>
    public static bool TryParseScore(ReadOnlySpan<byte> text, bool isMax, out ScoreBound bound)
    {
        var exclusive = !text.IsEmpty && text[0] == (byte)'(';
        if (exclusive)
        {
            text = text[1..];
        }

        if (!Arguments.TryParseDouble(text, out var value) || double.IsNaN(value))
        {
            bound = default;
            return false;
        }

        bound = new ScoreBound(value, isMax ? !exclusive : exclusive);
        return true;
    }

    /// <summary>Parses a lexicographic bound: <c>[a</c>, <c>(a</c>, <c>-</c>, <c>+</c>; start or end as <see cref="TryParseScore"/>.</summary>
    public static bool TryParseLex(ReadOnlySpan<byte> text, bool isMax, out LexBound bound)
    {
        bound = default;
        if (text.IsEmpty)
        {
            return false;
        }

        switch (text[0])
        {
            case (byte)'+' when text.Length == 1:
                bound = new LexBound(default, false, LexBoundKind.PlusInfinity);
                return true;
            case (byte)'-' when text.Length == 1:
                bound = new LexBound(default, false, LexBoundKind.MinusInfinity);
                return true;
            case (byte)'[':
                bound = new LexBound(text[1..], isMax, LexBoundKind.Finite);
                return true;
            case (byte)'(':
                bound = new LexBound(text[1..], !isMax, LexBoundKind.Finite);
                return true;
            default:
                return false;
        }
    }
}
