namespace Hoard.Storage.Eviction;

/// <summary>
/// The 8 eviction bits each index slot carries, read according to the policy in force: S3-FIFO's 2-bit
/// frequency, CLOCK's reference bit (LRU), or Redis's logarithmic LFU counter.
/// </summary>
internal static class AccessState
{
    /// <summary>
    /// Accesses that always count before the counter turns logarithmic (Redis's LFU_INIT_VAL). Redis also starts
    /// new keys there because it decays by minutes; Hoard decays by halving on every visit of the log head, so a
    /// new key starts at 0 — starting at 5 kept never-read keys for three extra laps and cost hit ratio on every
    /// trace in bench/HitRate.
    /// </summary>
    public const byte LfuLinearSteps = 5;

    private const int LfuLogFactor = 10;

    /// <summary>The value after one access.</summary>
    public static byte Touched(EvictionPolicy policy, byte state, ref ulong random) => policy switch
    {
        EvictionPolicy.S3Fifo => state >= 3 ? (byte)3 : (byte)(state + 1),
        EvictionPolicy.AllKeysLru or EvictionPolicy.VolatileLru => 1,
        EvictionPolicy.AllKeysLfu or EvictionPolicy.VolatileLfu => LfuIncrement(state, ref random),
        _ => state,
    };

    /// <summary>Redis's probabilistic logarithmic increment: the higher the counter, the rarer a step up.</summary>
    private static byte LfuIncrement(byte counter, ref ulong random)
    {
        if (counter == 255)
        {
            return counter;
        }

        random ^= random << 13;
        random ^= random >> 7;
        random ^= random << 17;
        var r = (random >> 11) * (1.0 / (1UL << 53));
        var baseValue = Math.Max(0, counter - LfuLinearSteps);
        var p = 1.0 / ((baseValue * LfuLogFactor) + 1);
        return r < p ? (byte)(counter + 1) : counter;
    }
}
