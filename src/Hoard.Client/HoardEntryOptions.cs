namespace Hoard.Client;

/// <summary>How one entry is cached: its life, the near cache, fail-safe, factory timeouts and the stampede lease.</summary>
public sealed record HoardEntryOptions
{
    /// <summary>How long a value is fresh.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Whether the value is kept in this process too (the near cache), when it is on.</summary>
    public bool NearCache { get; init; } = true;

    /// <summary>Whether a value past <see cref="Duration"/> is kept, and served when the factory fails or times out.</summary>
    public bool FailSafe { get; init; } = true;

    /// <summary>How long past <see cref="Duration"/> a value may still be served by fail-safe.</summary>
    public TimeSpan FailSafeMaxDuration { get; init; } = TimeSpan.FromHours(1);

    /// <summary>After the factory failed, how long the stale value is served before the factory is tried again.</summary>
    public TimeSpan FailSafeThrottleDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// When there is a stale value to serve: how long the caller waits for the factory before getting it (the factory
    /// goes on and its value is cached when it comes). Null: no soft timeout.
    /// </summary>
    public TimeSpan? FactorySoftTimeout { get; init; }

    /// <summary>How long the factory may run at all; past it the call fails (or serves a stale value). Null: no limit.</summary>
    public TimeSpan? FactoryHardTimeout { get; init; }

    /// <summary>How long another process's lease on a missing key is honoured (it is computing the value).</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a caller waits for the lease holder's value before running the factory itself.</summary>
    public TimeSpan LeaseWait { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// XFetch's β (probabilistic early refresh): above 0, a fresh value is refreshed in the background a little before
    /// it expires, the more likely the nearer it is and the longer it took to compute (1 is the paper's choice).
    /// </summary>
    public double EarlyRefreshBeta { get; init; }

    /// <summary>
    /// Tags of the entry: <see cref="IHoardCache.RemoveByTagAsync"/> of any of them removes it (at most 255, each at most
    /// 65,535 bytes of UTF-8).
    /// </summary>
    public IReadOnlyList<string>? Tags { get; init; }

    internal TimeSpan PhysicalDuration => FailSafe ? Duration + FailSafeMaxDuration : Duration;
}
