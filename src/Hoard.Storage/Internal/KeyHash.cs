using System.IO.Hashing;
using System.Runtime.CompilerServices;

namespace Hoard.Storage.Internal;

/// <summary>
/// One 64-bit hash per (database, key) gives everything the engine needs: the shard (low bits), and a 23-bit
/// code (high bits) that both places the key in its shard's index and tags the slot. Each keyspace hashes with its
/// own random seed (<see cref="Keyspace.HashSeed"/>).
/// </summary>
internal static class KeyHash
{
    public const int CodeBits = 23;
    public const uint CodeMask = (1u << CodeBits) - 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Of(ReadOnlySpan<byte> key, int database, ulong seed) => XxHash3.HashToUInt64(key, unchecked((long)(seed + (ulong)database)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Code(ulong hash) => (uint)(hash >> (64 - CodeBits));

    /// <summary>Ghost-queue fingerprint: bits not used by <see cref="Code"/> or the shard choice.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Fingerprint(ulong hash) => (uint)(hash >> 12);
}
