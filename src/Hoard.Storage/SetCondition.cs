namespace Hoard.Storage;

/// <summary>When SET writes (Redis's NX / XX options).</summary>
public enum SetCondition : byte
{
    /// <summary>Always.</summary>
    Always,
    /// <summary>Only if the key does not exist (NX).</summary>
    IfAbsent,
    /// <summary>Only if the key exists (XX).</summary>
    IfExists,
}

/// <summary>When EXPIRE changes a TTL (Redis 7's NX / XX / GT / LT options).</summary>
public enum ExpireCondition : byte
{
    /// <summary>Always.</summary>
    Always,
    /// <summary>Only if the key has no TTL (NX).</summary>
    IfNoTtl,
    /// <summary>Only if the key has a TTL (XX).</summary>
    IfHasTtl,
    /// <summary>Only if the new expiry is later than the current one; no TTL counts as infinite (GT).</summary>
    IfLater,
    /// <summary>Only if the new expiry is earlier than the current one; no TTL counts as infinite (LT).</summary>
    IfEarlier,
}

/// <summary>What a write does to the key's TTL.</summary>
public readonly record struct Expiry
{
    private Expiry(long at, bool keep)
    {
        At = at;
        Keep = keep;
    }

    /// <summary>Absolute expiry in Unix milliseconds; 0 for none.</summary>
    public long At { get; }

    /// <summary>True to keep the key's current TTL (SET … KEEPTTL).</summary>
    public bool Keep { get; }

    /// <summary>No TTL: the write makes the key persistent.</summary>
    public static Expiry None => default;

    /// <summary>Keep whatever TTL the key has (KEEPTTL).</summary>
    public static Expiry KeepTtl => new(0, true);

    /// <summary>Expire at an absolute Unix time in milliseconds.</summary>
    public static Expiry AtUnixMs(long unixMs) => new(Math.Max(1, unixMs), false);
}
