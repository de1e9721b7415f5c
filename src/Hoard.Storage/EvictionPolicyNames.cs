namespace Hoard.Storage;

/// <summary>Converts <see cref="EvictionPolicy"/> values to and from their redis.conf names.</summary>
public static class EvictionPolicyNames
{
    private static readonly (EvictionPolicy Policy, string Name)[] Names =
    [
        (EvictionPolicy.S3Fifo, "s3fifo"),
        (EvictionPolicy.NoEviction, "noeviction"),
        (EvictionPolicy.AllKeysLru, "allkeys-lru"),
        (EvictionPolicy.AllKeysLfu, "allkeys-lfu"),
        (EvictionPolicy.AllKeysRandom, "allkeys-random"),
        (EvictionPolicy.VolatileLru, "volatile-lru"),
        (EvictionPolicy.VolatileLfu, "volatile-lfu"),
        (EvictionPolicy.VolatileRandom, "volatile-random"),
        (EvictionPolicy.VolatileTtl, "volatile-ttl"),
    ];

    /// <summary>The redis.conf name of <paramref name="policy"/>, e.g. <c>allkeys-lru</c>.</summary>
    public static string ToName(this EvictionPolicy policy)
    {
        foreach (var (p, name) in Names)
        {
            if (p == policy)
            {
                return name;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(policy));
    }

    /// <summary>Parses a redis.conf policy name, case-insensitively.</summary>
    public static bool TryParse(string name, out EvictionPolicy policy)
    {
        foreach (var (p, n) in Names)
        {
            if (string.Equals(n, name, StringComparison.OrdinalIgnoreCase))
            {
                policy = p;
                return true;
            }
        }

        policy = default;
        return false;
    }

    /// <summary>All policy names, for help texts and CONFIG validation.</summary>
    public static IEnumerable<string> All => Names.Select(n => n.Name);

    internal static bool IsVolatile(this EvictionPolicy policy) =>
        policy is EvictionPolicy.VolatileLru or EvictionPolicy.VolatileLfu or EvictionPolicy.VolatileRandom
            or EvictionPolicy.VolatileTtl;
}
