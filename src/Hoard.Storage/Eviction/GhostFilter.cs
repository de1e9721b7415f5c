using System.Numerics;

namespace Hoard.Storage.Eviction;

/// <summary>
/// S3-FIFO's ghost queue: which keys were evicted from the small queue recently. A FIFO of exact fingerprints
/// would cost ~8 bytes per cached key; two generations of Bloom filters (10–20 bits per key each: sizes are
/// rounded up to a power of two so arrays are reused) approximate it:
/// inserts go to the current generation, and when it holds its share the previous one is dropped. A lookup
/// answers for the last one to two generations. False positives (~1 %) only send a new key to the main queue.
/// Not thread-safe: the shard lock holder only.
/// </summary>
internal sealed class GhostFilter
{
    private const int BitsPerKey = 10;
    private const int FirstGenerationSize = 64;
    // Sized like every later generation (BitsPerKey per key): a one-word filter saturates after 64 keys and then
    // answers "seen" for every key, for as long as it stays the previous generation.
    private ulong[] _current = new ulong[16];
    private ulong[] _previous = new ulong[16];
    private int _added;
    private int _generationSize = FirstGenerationSize;

    /// <summary>Bytes the two filters hold.</summary>
    public long Bytes => ((long)_current.Length + _previous.Length) * sizeof(ulong);

    /// <summary>
    /// Records an evicted key; <paramref name="wantedSize"/> is how many keys the ghost should remember, or -1 to
    /// keep the current size.
    /// </summary>
    public void Add(uint fingerprint, long wantedSize)
    {
        if (_added >= _generationSize)
        {
            Rotate(wantedSize);
        }

        Set(_current, fingerprint);
        _added++;
    }

    public bool Contains(uint fingerprint) => Test(_current, fingerprint) || Test(_previous, fingerprint);

    public void Clear()
    {
        Array.Clear(_current);
        Array.Clear(_previous);
        _added = 0;
    }

    /// <summary>What <see cref="Bytes"/> will be after <see cref="Add"/> with <paramref name="wantedSize"/>.</summary>
    public long BytesAfterAdd(long wantedSize) =>
        _added < _generationSize ? Bytes : ((long)_current.Length + WordsFor(GenerationSizeFor(wantedSize))) * sizeof(ulong);

    private static int GenerationSizeFor(long wantedSize) => (int)Math.Clamp(wantedSize / 2, 64, 1 << 26);

    // A power of two, so the size settles and the arrays are reused instead of reallocated each generation.
    private static int WordsFor(int generationSize) =>
        (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, (long)generationSize * BitsPerKey / 64));

    private void Rotate(long wantedSize)
    {
        (_previous, _current) = (_current, _previous);
        var words = wantedSize < 0 ? _current.Length : WordsFor(GenerationSizeFor(wantedSize));
        _generationSize = wantedSize < 0 ? Math.Max(1, words * 64 / BitsPerKey) : GenerationSizeFor(wantedSize);
        if (_current.Length != words)
        {
            _current = new ulong[words];
        }
        else
        {
            Array.Clear(_current);
        }

        _added = 0;
    }

    private static void Set(ulong[] bits, uint fingerprint)
    {
        var m = (ulong)bits.Length * 64;
        var h = Mix(fingerprint);
        for (var k = 0; k < 3; k++, h = (h >> 21) | (h << 43))
        {
            var bit = ((h & 0xFFFF_FFFF) * m) >> 32;
            bits[bit >> 6] |= 1UL << (int)(bit & 63);
        }
    }

    private static bool Test(ulong[] bits, uint fingerprint)
    {
        var m = (ulong)bits.Length * 64;
        var h = Mix(fingerprint);
        for (var k = 0; k < 3; k++, h = (h >> 21) | (h << 43))
        {
            var bit = ((h & 0xFFFF_FFFF) * m) >> 32;
            if ((bits[bit >> 6] & (1UL << (int)(bit & 63))) == 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Spreads every fingerprint bit over the 64 (a power-of-two filter would otherwise see only the low ones).</summary>
    private static ulong Mix(uint fingerprint)
    {
        var h = fingerprint * 0x9E3779B97F4A7C15UL;
        h ^= h >> 31;
        h *= 0xBF58476D1CE4E5B9UL;
        return h ^ (h >> 29);
    }
}
