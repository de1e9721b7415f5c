namespace Hoard.Storage.Keys;

/// <summary>
/// Maps keys to Redis Cluster hash slots: CRC16 (XMODEM) of the key, or of its hash tag, modulo 16384,
/// as the <see href="https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/">Redis
/// cluster specification</see> defines it.
/// </summary>
public static class HashSlot
{
    /// <summary>
    /// The number of hash slots in a Redis cluster (see the
    /// <see href="https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/">cluster
    /// specification</see>).
    /// </summary>
    public const int Count = 16384;

    /// <summary>
    /// Computes the hash slot of <paramref name="key"/>, honouring hash tags, as
    /// <see href="https://redis.io/docs/latest/commands/cluster-keyslot/">CLUSTER KEYSLOT</see> does.
    /// </summary>
    /// <param name="key">The key, as raw bytes.</param>
    /// <returns>A slot in the range 0 to <see cref="Count"/> − 1.</returns>
    public static int Of(ReadOnlySpan<byte> key) => Crc16(HashTag(key)) & (Count - 1);

    /// <summary>
    /// Returns the part of <paramref name="key"/> that is hashed: the bytes between the first <c>{</c> and
    /// the first <c>}</c> after it when at least one byte lies between them, otherwise the whole key (see
    /// "hash tags" in the
    /// <see href="https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/">cluster
    /// specification</see>).
    /// </summary>
    /// <param name="key">The key, as raw bytes.</param>
    /// <returns>A slice of <paramref name="key"/>.</returns>
    public static ReadOnlySpan<byte> HashTag(ReadOnlySpan<byte> key)
    {
        int open = key.IndexOf((byte)'{');
        if (open < 0)
        {
            return key;
        }

        int length = key[(open + 1)..].IndexOf((byte)'}');
        return length > 0 ? key.Slice(open + 1, length) : key;
    }

    /// <summary>CRC16-XMODEM (polynomial 0x1021, initial value 0, no reflection, no final xor).</summary>
    internal static ushort Crc16(ReadOnlySpan<byte> data)
    {
        ushort[] table = Table;
        ushort crc = 0;
        foreach (byte b in data)
        {
            crc = (ushort)((crc << 8) ^ table[(byte)((crc >> 8) ^ b)]);
        }

        return crc;
    }

    /// <summary>
    /// CRC16-XMODEM lookup table: entry <c>i</c> is the CRC of the single byte <c>i</c>. An array rather
    /// than a <c>ReadOnlySpan</c> literal because unoptimised (Debug) code allocates on every literal access.
    /// </summary>
    private static readonly ushort[] Table = CreateTable();

    private static ushort[] CreateTable()
    {
        const int Polynomial = 0x1021;
        var table = new ushort[256];
        for (int i = 0; i < table.Length; i++)
        {
            int crc = i << 8;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ Polynomial : crc << 1;
            }

            table[i] = (ushort)crc;
        }

        return table;
    }
}
