using System.IO.Hashing;

namespace Hoard.Storage.Benchmarks;

/// <summary>
/// Content equality for the byte[] keys of the ConcurrentDictionary reference, hashed with XxHash3 as Hoard does.
/// Also compares a <see cref="ReadOnlySpan{T}"/> with a stored key, so the dictionary is searched straight from a
/// request buffer (<c>GetAlternateLookup</c>) like Hoard, and <see cref="Create"/> copies a key only when one is added.
/// </summary>
public sealed class ByteArrayComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
{
    public static readonly ByteArrayComparer Instance = new();

    public bool Equals(byte[]? x, byte[]? y) =>
        x is null ? y is null : y is not null && x.AsSpan().SequenceEqual(y);

    public int GetHashCode(byte[] obj) => GetHashCode(obj.AsSpan());

    public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

    public int GetHashCode(ReadOnlySpan<byte> alternate) => (int)XxHash3.HashToUInt64(alternate);

    public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
}
