using System.Security.Cryptography;

namespace Hoard.Cluster.Topology;

/// <summary>Node and shard ids: 40 lower-case hex digits, as Redis Cluster uses.</summary>
public static class ClusterIds
{
    /// <summary>The length of an id in characters.</summary>
    public const int Length = 40;

    /// <summary>A new random id.</summary>
    /// <returns>40 lower-case hex digits from a cryptographic random source.</returns>
    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(Length / 2));

    /// <summary>Whether <paramref name="id"/> is 40 lower-case hex digits.</summary>
    /// <param name="id">The text to check.</param>
    /// <returns><see langword="true"/> for a well-formed id.</returns>
    public static bool IsValid(ReadOnlySpan<char> id)
    {
        if (id.Length != Length)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
