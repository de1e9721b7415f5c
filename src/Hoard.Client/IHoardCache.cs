namespace Hoard.Client;

/// <summary>
/// A cache in front of a slow source of truth (a database), kept in a Hoard cluster and, near, in this process: the
/// cache-aside pattern with stampede protection and fail-safe built in.
/// </summary>
public interface IHoardCache
{
    /// <summary>
    /// The key's value: from the near cache, else the cluster, else <paramref name="factory"/> — called once per key
    /// at a time in this process, and while another process holds the key's lease (it is computing it) only after
    /// waiting for its value. When the factory fails or is slow and a stale value is kept (fail-safe), that is served.
    /// </summary>
    /// <exception cref="Exception">What the factory threw, when there is no stale value to serve.</exception>
    Task<T> GetOrSetAsync<T>(string key, Func<CancellationToken, Task<T>> factory, HoardEntryOptions? options = null, CancellationToken token = default);

    /// <summary>The key's fresh value, if cached.</summary>
    Task<HoardValue<T>> GetAsync<T>(string key, CancellationToken token = default);

    /// <summary>Caches a value (the near caches of every process drop what they held for the key).</summary>
    Task SetAsync<T>(string key, T value, HoardEntryOptions? options = null, CancellationToken token = default);

    /// <summary>Removes the key's value everywhere.</summary>
    Task RemoveAsync(string key, CancellationToken token = default);

    /// <summary>Removes every entry written with <paramref name="tag"/> (<see cref="HoardEntryOptions.Tags"/>) before now.</summary>
    Task RemoveByTagAsync(string tag, CancellationToken token = default);
}

/// <summary>A value found, or not.</summary>
public readonly record struct HoardValue<T>(bool HasValue, T Value)
{
    /// <summary>Nothing found.</summary>
    public static HoardValue<T> None => default;
}
