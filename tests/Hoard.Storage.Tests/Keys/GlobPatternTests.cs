using System.Diagnostics;
using System.Text;
using CsCheck;
using Hoard.Storage.Keys;

namespace Hoard.Storage.Tests.Keys;

public class GlobPatternTests
{
    // Latin-1 maps "\u00ff" to the single byte 0xFF, so test strings can spell any byte.
    private static byte[] B(string s) => Encoding.Latin1.GetBytes(s);

    private static bool Match(string pattern, string text) => GlobPattern.IsMatch(B(pattern), B(text));

    [Theory]
    [InlineData("hello", "hello", true)]
    [InlineData("hello", "hell", false)]
    [InlineData("hello", "helloo", false)]
    [InlineData("hello", "Hello", false)]
    [InlineData("a", "b", false)]
    public void A_literal_pattern_matches_only_the_identical_key(string pattern, string text, bool expected)
        => Assert.Equal(expected, Match(pattern, text));

    [Theory]
    [InlineData("h*llo", "hllo", true)]
    [InlineData("h*llo", "heeeello", true)]
    [InlineData("h*llo", "hello world", false)]
    [InlineData("user:*", "user:", true)]
    [InlineData("user:*", "user:42:name", true)]
    [InlineData("user:*", "users", false)]
    [InlineData("*:name", "user:42:name", true)]
    [InlineData("*:name", "user:42:names", false)]
    [InlineData("*", "anything at all", true)]
    [InlineData("a*b*c", "abc", true)]
    [InlineData("a*b*c", "aXXbYYc", true)]
    [InlineData("a*b*c", "aXXcYYb", false)]
    [InlineData("*a*", "bab", true)]
    [InlineData("*ab", "aaab", true)]
    [InlineData("*ab", "abab", true)]
    [InlineData("*ab", "abba", false)]
    public void A_star_matches_any_run_of_bytes_including_none(string pattern, string text, bool expected)
        => Assert.Equal(expected, Match(pattern, text));

    [Theory]
    [InlineData("a**b", "ab", true)]
    [InlineData("a**b", "aXYZb", true)]
    [InlineData("a***", "a", true)]
    [InlineData("***", "xyz", true)]
    [InlineData("a*****b*****c", "a1b2c", true)]
    [InlineData("a*****b*****c", "a1c2b", false)]
    public void Consecutive_stars_behave_like_one(string pattern, string text, bool expected)
        => Assert.Equal(expected, Match(pattern, text));

    [Theory]
    [InlineData("h?llo", "hello", true)]
    [InlineData("h?llo", "hallo", true)]
    [InlineData("h?llo", "hllo", false)]
    [InlineData("h?llo", "heello", false)]
    [InlineData("???", "abc", true)]
    [InlineData("???", "ab", false)]
    [InlineData("?", "", false)]
    [InlineData("*?", "a", true)]
    [InlineData("?*?", "a", false)]
    public void A_question_mark_matches_exactly_one_byte(string pattern, string text, bool expected)
        => Assert.Equal(expected, Match(pattern, text));

    [Theory]
    [InlineData("h[ae]llo", "hello", true)]
    [InlineData("h[ae]llo", "hallo", true)]
    [InlineData("h[ae]llo", "hillo", false)]
    [InlineData("h[ae]llo", "hllo", false)]
    [InlineData("[abc][abc]", "cb", true)]
    [InlineData("[*]", "*", true)]
    [InlineData("[*]", "x", false)]
    [InlineData("[?]", "?", true)]
    [InlineData("[?]", "x", false)]
    [InlineData("[[]", "[", true)]
    [InlineData("[-a]", "-", true)]
    public void A_bracket_class_matches_one_listed_byte(string pattern, string text, bool expected)
        => Assert.Equal(expected, Match(pattern, text));

    [Theory]
    [InlineData("h[^e]llo", "hallo", true)]
    [InlineData("h[^e]llo", "hbllo", true)]
    [InlineData("h[^e]llo", "hello", false)]
    [InlineData("h[^e]llo", "hllo", false)]
    [InlineData("[^a-c]", "d", true)]
    [InlineData("[^a-c]", "b", false)]
    [InlineData("a[^^]", "ab", true)]
    [InlineData("a[^^]", "a^", false)]
    public void A_caret_after_the_bracket_negates_the_class(string pattern, string text, bool expected)
        => Assert.Equal(expected, Match(pattern, text));

    [Theory]
    [InlineData("h[a-b]llo", "hallo", true)]
    [InlineData("h[a-b]llo", "hbllo", true)]
    [InlineData("h[a-b]llo", "hcllo", false)]
    [InlineData("[b-a]", "a", true)]
    [InlineData("[z-a]", "m", true)]
    [InlineData("[z-a]", "A", false)]
    [InlineData("[0-9a-f]", "7", true)]
    [InlineData("[0-9a-f]", "e", true)]
    [InlineData("[0-9a-f]", "g", false)]
    [InlineData("[a-a]", "a", true)]
    [InlineData("[a-a]", "b", false)]
    [InlineData("[^z-a]", "m", false)]
    public void A_range_matches_its_inclusive_bounds_written_in_either_order(string pattern, string text, bool expected)
        => Assert.Equal(expected, Match(pattern, text));

    [Theory]
    [InlineData(@"\*", "*", true)]
    [InlineData(@"\*", "a", false)]
    [InlineData(@"\?", "?", true)]
    [InlineData(@"\?", "a", false)]
    [InlineData(@"\[a]", "[a]", true)]
    [InlineData(@"\[a]", "a", false)]
    [InlineData(@"\a", "a", true)]
    [InlineData(@"\\", @"\", true)]
    [InlineData(@"a\", @"a\", true)]
    [InlineData(@"user:\*", "user:*", true)]
    [InlineData(@"user:\*", "user:42", false)]
    [InlineData(@"[\]]", "]", true)]
    [InlineData(@"[\]a]", "a", true)]
    [InlineData(@"[\^a]", "^", true)]
    [InlineData(@"[\-z]", "-", true)]
    [InlineData(@"[\-z]", "a", false)]
    [InlineData(@"[\\]", @"\", true)]
    [InlineData(@"[a\", @"\", true)]
    public void A_backslash_makes_the_next_byte_literal_outside_and_inside_brackets(string pattern, string text, bool expected)
        => Assert.Equal(expected, Match(pattern, text));

    [Theory]
    [InlineData("[abc", "a", true)]
    [InlineData("[abc", "c", true)]
    [InlineData("[abc", "d", false)]
    [InlineData("x[abc", "xb", true)]
    [InlineData("[^abc", "d", true)]
    [InlineData("[^abc", "a", false)]
    [InlineData("[a-c", "b", true)]
    [InlineData("[", "[", false)]
    [InlineData("[", "a", false)]
    [InlineData("[^", "a", true)]
    [InlineData("[^", "", false)]
    public void An_unterminated_class_is_closed_by_the_end_of_the_pattern(string pattern, string text, bool expected)
        => Assert.Equal(expected, Match(pattern, text));

    [Theory]
    [InlineData("[]a]", "a", false)]  // "]" first closes an empty class, which never matches
    [InlineData("[]a]", "]", false)]
    [InlineData("[^]", "x", true)]    // negated empty class matches any byte
    [InlineData("[^]a]", "xa]", true)]    // that is "[^]" then the literal "a]"
    [InlineData("[^]a]", "xa", false)]
    [InlineData("[^]a]x", "a]x", false)]
    [InlineData("[^]a]", "x", false)]
    [InlineData("[^]]", "x]", true)]
    [InlineData("[a-]", "a", true)]   // "]" becomes the range end, so the class runs to the pattern end
    [InlineData("[a-]", "_", true)]   // ']' (0x5D) .. 'a' (0x61) includes '_'
    [InlineData("[a-]", "b", false)]
    [InlineData("[a-]b", "ab", false)]
    public void Class_corner_cases_follow_redis(string pattern, string text, bool expected)
        => Assert.Equal(expected, Match(pattern, text));

    [Theory]
    [InlineData("", "", true)]
    [InlineData("", "a", false)]
    [InlineData("*", "", false)]
    [InlineData("**", "", false)]
    [InlineData("?", "", false)]
    [InlineData("[^a]", "", false)]
    [InlineData("a*", "a", true)]
    [InlineData("a**", "a", true)]
    public void An_empty_text_is_matched_only_by_the_empty_pattern(string pattern, string text, bool expected)
        => Assert.Equal(expected, Match(pattern, text));

    [Fact]
    public void Only_the_bare_star_counts_as_match_all()
    {
        Assert.True(GlobPattern.IsMatchAll("*"u8));
        Assert.False(GlobPattern.IsMatchAll("**"u8));
        Assert.False(GlobPattern.IsMatchAll(""u8));
        Assert.False(GlobPattern.IsMatchAll("?"u8));
        Assert.False(GlobPattern.IsMatchAll(@"\*"u8));
        Assert.False(GlobPattern.IsMatchAll("a*"u8));
    }

    [Theory]
    [InlineData("a\u0000b", "a\u0000b", true)]
    [InlineData("a?b", "a\u0000b", true)]
    [InlineData("a\u0000*", "a\u0000xyz", true)]
    [InlineData("a\u0000*", "a", false)]
    [InlineData("\u00ff*", "\u00ff\u00fe", true)]
    [InlineData("[\u0000\u00ff]", "\u00ff", true)]
    [InlineData("[\u0000\u00ff]", "\u0000", true)]
    [InlineData("[^\u0000]", "\u0000", false)]
    [InlineData("[\u0080-\u0090]", "\u0085", true)]
    [InlineData("[\u0080-\u0090]", "\u0091", false)]
    public void Bytes_are_compared_raw_with_no_text_decoding(string pattern, string text, bool expected)
        => Assert.Equal(expected, Match(pattern, text));

    [Fact]
    public void A_question_mark_matches_one_byte_of_a_multibyte_utf8_character()
    {
        Assert.False(GlobPattern.IsMatch("caf?"u8, "café"u8));
        Assert.True(GlobPattern.IsMatch("caf??"u8, "café"u8));
        Assert.True(GlobPattern.IsMatch("caf\u00e9"u8, "café"u8));
    }

    [Theory]
    [InlineData("[a-\u00ff]", "\u00ff", true)]
    [InlineData("[a-\u00ff]", "\u0080", false)] // 0x80 is -128, below -1
    [InlineData("[a-\u00ff]", "\u0000", true)]
    [InlineData("[a-\u00ff]", "A", true)]
    [InlineData("[a-\u00ff]", "b", false)]
    [InlineData("[\u0000-\u00ff]", "\u0000", true)]
    [InlineData("[\u0000-\u00ff]", "\u00ff", true)]
    [InlineData("[\u0000-\u00ff]", "a", false)]
    [InlineData("[\u0080-\u007f]", "a", true)]
    public void Range_bounds_compare_as_signed_bytes_like_redis_on_x86_64(string pattern, string text, bool expected)
        => Assert.Equal(expected, Match(pattern, text));

    [Fact]
    public void Many_stars_still_find_a_match_deep_in_the_text()
    {
        byte[] text = B(new string('x', 5_000) + "needle" + new string('y', 5_000));
        Assert.True(GlobPattern.IsMatch(B("*n*e*e*d*l*e*"), text));
        Assert.True(GlobPattern.IsMatch(B("*needle*"), text));
        Assert.False(GlobPattern.IsMatch(B("*needles*"), text));
        Assert.True(GlobPattern.IsMatch(B("x*e*y"), text));
    }

    [Fact]
    public void A_pathological_pattern_finishes_fast()
    {
        var stopwatch = Stopwatch.StartNew();

        // keyspace.tcl "Regression for pattern matching long nested loops".
        Assert.False(GlobPattern.IsMatch(B(string.Concat(Enumerable.Repeat("a*", 20)) + "b"), B(new string('a', 40))));

        // Same shape, much bigger: exponential for naive backtracking.
        Assert.False(GlobPattern.IsMatch(B(string.Concat(Enumerable.Repeat("a*", 500)) + "b"), B(new string('a', 100_000))));
        Assert.False(GlobPattern.IsMatch(B("*" + new string('a', 200) + "b"), B(new string('a', 20_000))));

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public void Matching_gives_up_past_a_thousand_nested_stars_like_redis()
    {
        // keyspace.tcl "Regression for pattern matching very long nested loops": Redis answers no match.
        Assert.False(GlobPattern.IsMatch(B(string.Concat(Enumerable.Repeat("*?", 50_000))), B(new string('a', 50_000))));

        // The guard's exact edge: a thousand stars are fine, the next one that still needs text is not.
        Assert.True(GlobPattern.IsMatch(B(string.Concat(Enumerable.Repeat("*?", 1_000))), B(new string('a', 1_000))));
        Assert.False(GlobPattern.IsMatch(B(string.Concat(Enumerable.Repeat("*?", 1_001))), B(new string('a', 1_001))));

        // A trailing star past the limit still matches, because Redis checks for it before recursing.
        Assert.True(GlobPattern.IsMatch(B(string.Concat(Enumerable.Repeat("?*", 1_001))), B(new string('a', 1_002))));
    }

    [Fact]
    public void Matching_allocates_nothing()
    {
        byte[] pattern = B(@"user:[0-9]*:\*?[^x]*");
        byte[] text = B("user:42:*ab");
        Assert.True(GlobPattern.IsMatch(pattern, text)); // warm up (JIT)

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1_000; i++)
        {
            GlobPattern.IsMatch(pattern, text);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void Matching_agrees_with_a_literal_port_of_redis_recursion_on_random_inputs()
    {
        byte[] patternBytes = B("ab*?[]^-\\\u00ff\u0080\u0000");
        byte[] textBytes = B("ab*?[]^-\\\u00ff\u0080\u0000c");
        Gen.Select(
                Gen.Int[0, patternBytes.Length - 1].Select(i => patternBytes[i]).Array[0, 9],
                Gen.Int[0, textBytes.Length - 1].Select(i => textBytes[i]).Array[0, 9])
            .Sample(
                (pattern, text) => GlobPattern.IsMatch(pattern, text) == RedisReference.Match(pattern, text),
                iter: 300_000);
    }

    /// <summary>
    /// A deliberately naive re-statement of Redis's recursive matcher (including its skip-longer-matches
    /// shortcut and its nesting guard), written for comparison only. Reads past the end of the pattern see
    /// a NUL byte, as they do on Redis's NUL-terminated strings.
    /// </summary>
    private static class RedisReference
    {
        public static bool Match(byte[] pattern, byte[] text)
        {
            bool skip = false;
            return Recurse(pattern, 0, text, 0, ref skip, 0);
        }

        private static int At(byte[] a, int i) => i < a.Length ? a[i] : 0;

        private static bool Recurse(byte[] pat, int p, byte[] str, int s, ref bool skip, int nesting)
        {
            if (nesting > 1000)
            {
                return false;
            }

            int plen = pat.Length - p;
            int slen = str.Length - s;
            while (plen > 0 && slen > 0)
            {
                switch (pat[p])
                {
                    case (byte)'*':
                        while (plen > 0 && At(pat, p + 1) == '*')
                        {
                            p++;
                            plen--;
                        }

                        if (plen == 1)
                        {
                            return true;
                        }

                        while (slen > 0)
                        {
                            if (Recurse(pat, p + 1, str, s, ref skip, nesting + 1))
                            {
                                return true;
                            }

                            if (skip)
                            {
                                return false;
                            }

                            s++;
                            slen--;
                        }

                        skip = true;
                        return false;
                    case (byte)'?':
                        s++;
                        slen--;
                        break;
                    case (byte)'[':
                        {
                            p++;
                            plen--;
                            bool not = At(pat, p) == '^';
                            if (not)
                            {
                                p++;
                                plen--;
                            }

                            bool match = false;
                            while (true)
                            {
                                if (At(pat, p) == '\\' && plen >= 2)
                                {
                                    p++;
                                    plen--;
                                    if (pat[p] == str[s])
                                    {
                                        match = true;
                                    }
                                }
                                else if (At(pat, p) == ']')
                                {
                                    break;
                                }
                                else if (plen == 0)
                                {
                                    p--;
                                    plen++;
                                    break;
                                }
                                else if (plen >= 3 && pat[p + 1] == '-')
                                {
                                    int start = (sbyte)pat[p];
                                    int end = (sbyte)pat[p + 2];
                                    int c = (sbyte)str[s];
                                    if (start > end)
                                    {
                                        (start, end) = (end, start);
                                    }

                                    p += 2;
                                    plen -= 2;
                                    if (c >= start && c <= end)
                                    {
                                        match = true;
                                    }
                                }
                                else if (pat[p] == str[s])
                                {
                                    match = true;
                                }

                                p++;
                                plen--;
                            }

                            if (not)
                            {
                                match = !match;
                            }

                            if (!match)
                            {
                                return false;
                            }

                            s++;
                            slen--;
                            break;
                        }

                    default:
                        if (pat[p] == '\\' && plen >= 2)
                        {
                            p++;
                            plen--;
                        }

                        if (pat[p] != str[s])
                        {
                            return false;
                        }

                        s++;
                        slen--;
                        break;
                }

                p++;
                plen--;
                if (slen == 0)
                {
                    while (At(pat, p) == '*')
                    {
                        p++;
                        plen--;
                    }

                    break;
                }
            }

            return plen == 0 && slen == 0;
        }
    }
}
