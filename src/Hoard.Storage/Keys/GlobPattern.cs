namespace Hoard.Storage.Keys;

/// <summary>
/// Redis glob-style pattern matching over raw bytes, as used by
/// <see href="https://redis.io/docs/latest/commands/keys/">KEYS</see>, <c>SCAN … MATCH</c>,
/// <c>PSUBSCRIBE</c> and friends.
/// </summary>
/// <remarks>
/// <para>The rules follow Redis's <c>stringmatchlen</c> (case-sensitive flavour) byte for byte:</para>
/// <list type="bullet">
/// <item><description><c>*</c> matches any run of bytes; consecutive stars act as one, and a star that ends
/// the pattern matches whatever text is left.</description></item>
/// <item><description><c>?</c> matches exactly one byte.</description></item>
/// <item><description><c>[abc]</c> matches one byte of the set, <c>[^abc]</c> one byte outside it;
/// <c>[a-z]</c> is an inclusive range and <c>[z-a]</c> means the same as <c>[a-z]</c>.
/// A <c>]</c> right after <c>[</c> (or <c>[^</c>) closes an empty class, and a class with no closing
/// <c>]</c> runs to the end of the pattern.</description></item>
/// <item><description><c>\x</c> matches <c>x</c> literally, outside and inside brackets; a lone trailing
/// backslash matches a backslash.</description></item>
/// </list>
/// <para>Two Redis quirks are kept on purpose. An empty text is matched only by the empty pattern, so
/// <c>IsMatch("*", "")</c> is <see langword="false"/>: Redis's KEYS and SCAN avoid this by testing for
/// the bare <c>*</c> pattern first, which is what <see cref="IsMatchAll"/> is for. And range bounds are
/// compared as signed bytes, the way C <c>char</c> compares on x86-64, so <c>[a-\xff]</c> means -1…97
/// (the bytes <c>0xFF</c> and <c>0x00</c>–<c>a</c>) rather than <c>a</c>–<c>0xFF</c>. Plain byte and
/// escape comparisons are unaffected.</para>
/// <para>Matching runs iteratively and only backtracks to the latest star, which costs at most
/// O(pattern × text) and never recurses; no memory is allocated. Redis gives up on a pattern once a
/// match has to go through more than 1000 stars, and this class gives up at the same point so that
/// answers agree.</para>
/// </remarks>
public static class GlobPattern
{
    /// <summary>Redis's recursion guard: the 1001st star (with text left to match) fails the whole match.</summary>
    private const int MaxStars = 1000;

    /// <summary>
    /// Reports whether <paramref name="pattern"/> is exactly <c>*</c>, the pattern that
    /// <see href="https://redis.io/docs/latest/commands/keys/">KEYS</see> and SCAN treat as "every key"
    /// without matching each key (so it also covers the empty key).
    /// </summary>
    /// <param name="pattern">The glob pattern.</param>
    /// <returns><see langword="true"/> only for the one-byte pattern <c>*</c>; <c>**</c> does not count.</returns>
    public static bool IsMatchAll(ReadOnlySpan<byte> pattern) => pattern.Length == 1 && pattern[0] == (byte)'*';

    /// <summary>
    /// Tests whether <paramref name="text"/> matches the Redis glob <paramref name="pattern"/>, with the
    /// rules of <see href="https://redis.io/docs/latest/commands/keys/">KEYS</see>.
    /// </summary>
    /// <param name="pattern">The glob pattern, as raw bytes.</param>
    /// <param name="text">The key or channel name, as raw bytes.</param>
    /// <returns><see langword="true"/> when the whole of <paramref name="text"/> matches the whole of
    /// <paramref name="pattern"/>.</returns>
    public static bool IsMatch(ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> text)
    {
        // Redis never enters its matching loop for an empty text.
        if (text.IsEmpty)
        {
            return pattern.IsEmpty;
        }

        int p = 0;
        int t = 0;
        int resumeP = -1; // pattern index just after the latest star, or -1 before any star
        int resumeT = 0;  // text index from which that star's current attempt started
        int stars = 0;

        while (true)
        {
            // Invariant: t < text.Length.
            if (p < pattern.Length)
            {
                if (pattern[p] == (byte)'*')
                {
                    while (p + 1 < pattern.Length && pattern[p + 1] == (byte)'*')
                    {
                        p++;
                    }

                    if (p + 1 == pattern.Length)
                    {
                        return true; // a trailing star swallows the rest
                    }

                    if (++stars > MaxStars)
                    {
                        return false;
                    }

                    p++;
                    resumeP = p;
                    resumeT = t;
                    continue;
                }

                int next = MatchOne(pattern, p, text[t]);
                if (next >= 0)
                {
                    p = next;
                    t++;
                    if (t < text.Length)
                    {
                        continue;
                    }

                    // Text used up: only stars may remain.
                    while (p < pattern.Length && pattern[p] == (byte)'*')
                    {
                        p++;
                    }

                    if (p == pattern.Length)
                    {
                        return true;
                    }
                }
            }

            // Mismatch: let the latest star swallow one more byte. Every element after a star consumes
            // exactly one byte, so retrying earlier stars can never succeed where this one failed.
            if (resumeP < 0 || ++resumeT == text.Length)
            {
                return false;
            }

            p = resumeP;
            t = resumeT;
        }
    }

    /// <summary>
    /// Matches the single-byte element (<c>?</c>, a class, an escape or a literal) starting at
    /// <paramref name="p"/> against <paramref name="b"/>.
    /// </summary>
    /// <returns>The index just after the element on a match, otherwise -1.</returns>
    private static int MatchOne(ReadOnlySpan<byte> pattern, int p, byte b)
    {
        switch (pattern[p])
        {
            case (byte)'?':
                return p + 1;
            case (byte)'[':
                return MatchClass(pattern, p + 1, b);
            case (byte)'\\':
                if (p + 1 < pattern.Length)
                {
                    p++;
                }

                return pattern[p] == b ? p + 1 : -1;
            default:
                return pattern[p] == b ? p + 1 : -1;
        }
    }

    /// <summary>Matches a bracket class whose body starts at <paramref name="i"/> (just after <c>[</c>).</summary>
    /// <returns>The index just after the class on a match, otherwise -1.</returns>
    private static int MatchClass(ReadOnlySpan<byte> pattern, int i, byte b)
    {
        bool negate = i < pattern.Length && pattern[i] == (byte)'^';
        if (negate)
        {
            i++;
        }

        bool match = false;
        while (true)
        {
            int left = pattern.Length - i;
            if (left == 0)
            {
                // Unterminated class: the end of the pattern closes it.
                return match != negate ? pattern.Length : -1;
            }

            byte c = pattern[i];
            if (c == (byte)'\\' && left >= 2)
            {
                i++;
                match |= pattern[i] == b;
            }
            else if (c == (byte)']')
            {
                return match != negate ? i + 1 : -1;
            }
            else if (left >= 3 && pattern[i + 1] == (byte)'-')
            {
                // Signed, like C's char on x86-64; reversed bounds are swapped.
                int lo = (sbyte)c;
                int hi = (sbyte)pattern[i + 2];
                if (lo > hi)
                {
                    (lo, hi) = (hi, lo);
                }

                int v = (sbyte)b;
                match |= v >= lo && v <= hi;
                i += 2;
            }
            else
            {
                match |= c == b;
            }

            i++;
        }
    }
}
