namespace Hoard.Server.Commands.SortedSets;

/// <summary>Byte-wise equality of members for the multi-key commands' dictionaries (hashes seeded per process).</summary>
internal sealed class MemberComparer : IEqualityComparer<byte[]>
{
    private MemberComparer()
    {
    }

    /// <summary>The shared instance.</summary>
    public static MemberComparer Instance { get; } = new();

    /// <inheritdoc/>
    public bool Equals(byte[]? x, byte[]? y) => ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y));

    /// <inheritdoc/>
    public int GetHashCode(byte[] obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var hash = default(HashCode);
        hash.AddBytes(obj);
        return hash.ToHashCode();
    }
}
