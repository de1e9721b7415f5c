using System.Buffers;
using System.Buffers.Binary;
using Microsoft.Extensions.Caching.Distributed;
using StackExchange.Redis;

namespace Hoard.Client;

/// <summary>
/// <see cref="IDistributedCache"/> and <see cref="IBufferDistributedCache"/> on a <see cref="HoardCache"/>'s cluster
/// (ASP.NET Core sessions, output caching, <c>HybridCache</c>'s second level): bytes under the cache's key prefix, with
/// absolute and sliding expiration. A value is stored as <c>version(1) absoluteUnixMs(int64 LE, 0 none)
/// slidingMs(int64 LE, 0 none) bytes</c> and the key's TTL is the nearer of the two; a read of a sliding entry moves
/// its TTL on.
/// </summary>
public sealed class HoardDistributedCache(HoardCache cache) : IBufferDistributedCache
{
    private const byte Version = 1;
    private const int HeaderLength = 1 + sizeof(long) + sizeof(long);

    private readonly IDatabase _db = (cache ?? throw new ArgumentNullException(nameof(cache))).Database;
    private readonly HoardCacheOptions _options = cache.Options;
    private readonly TimeProvider _time = cache.Time;

    /// <inheritdoc/>
    public byte[]? Get(string key)
    {
        var writer = new ArrayBufferWriter<byte>();
        return TryGet(key, writer) ? writer.WrittenSpan.ToArray() : null;
    }

    /// <inheritdoc/>
    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        var writer = new ArrayBufferWriter<byte>();
        return await TryGetAsync(key, writer, token).ConfigureAwait(false) ? writer.WrittenSpan.ToArray() : null;
    }

    /// <inheritdoc/>
    public bool TryGet(string key, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var lease = _db.StringGetLease(Full(key));
        return Deliver(key, lease?.Memory ?? ReadOnlyMemory<byte>.Empty, lease is not null, destination);
    }

    /// <inheritdoc/>
    public async ValueTask<bool> TryGetAsync(string key, IBufferWriter<byte> destination, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var lease = await ClusterRetry.RunAsync(() => _db.StringGetLeaseAsync(Full(key)), _options.ClusterRetryBudget).WaitAsync(token).ConfigureAwait(false);
        return Deliver(key, lease?.Memory ?? ReadOnlyMemory<byte>.Empty, lease is not null, destination);
    }

    /// <inheritdoc/>
    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
    {
        ArgumentNullException.ThrowIfNull(value);
        Set(key, new ReadOnlySequence<byte>(value), options);
    }

    /// <inheritdoc/>
    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        return SetAsync(key, new ReadOnlySequence<byte>(value), options, token).AsTask();
    }

    /// <inheritdoc/>
    public void Set(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options)
    {
        var (bytes, ttl) = Encode(value, options);
        _ = ttl is { } t ? _db.StringSet(Full(key), bytes, t) : _db.StringSet(Full(key), bytes);
    }

    /// <inheritdoc/>
    public async ValueTask SetAsync(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        var (bytes, ttl) = Encode(value, options);
        await ClusterRetry.RunAsync(() => ttl is { } t ? _db.StringSetAsync(Full(key), bytes, t) : _db.StringSetAsync(Full(key), bytes), _options.ClusterRetryBudget)
            .WaitAsync(token).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public void Refresh(string key) => TryGet(key, NullWriter.Instance);

    /// <inheritdoc/>
    public async Task RefreshAsync(string key, CancellationToken token = default) => await TryGetAsync(key, NullWriter.Instance, token).ConfigureAwait(false);

    /// <inheritdoc/>
    public void Remove(string key) => _db.KeyDelete(Full(key));

    /// <inheritdoc/>
    public async Task RemoveAsync(string key, CancellationToken token = default) =>
        await ClusterRetry.RunAsync(() => _db.KeyDeleteAsync(Full(key)), _options.ClusterRetryBudget).WaitAsync(token).ConfigureAwait(false);

    private RedisKey Full(string key) => _options.KeyPrefix + (key ?? throw new ArgumentNullException(nameof(key)));

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private (byte[] Bytes, TimeSpan? Ttl) Encode(ReadOnlySequence<byte> value, DistributedCacheEntryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var now = Now();
        var absolute = options.AbsoluteExpiration?.ToUnixTimeMilliseconds()
            ?? (options.AbsoluteExpirationRelativeToNow is { } relative ? now + (long)relative.TotalMilliseconds : 0);
        var sliding = (long)(options.SlidingExpiration?.TotalMilliseconds ?? 0);
        if (absolute != 0 && absolute <= now)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.AbsoluteExpiration, "The absolute expiration value must be in the future.");
        }

        var bytes = new byte[HeaderLength + value.Length];
        bytes[0] = Version;
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(1), absolute);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(1 + sizeof(long)), sliding);
        value.CopyTo(bytes.AsSpan(HeaderLength));
        return (bytes, Ttl(absolute, sliding, now));
    }

    private static TimeSpan? Ttl(long absolute, long sliding, long now) => (absolute, sliding) switch
    {
        (0, 0) => null,
        (0, _) => TimeSpan.FromMilliseconds(sliding),
        (_, 0) => TimeSpan.FromMilliseconds(absolute - now),
        _ => TimeSpan.FromMilliseconds(Math.Min(sliding, absolute - now)),
    };

    /// <summary>Copies a stored value's bytes out and, for a sliding entry, moves its TTL on.</summary>
    private bool Deliver(string key, ReadOnlyMemory<byte> stored, bool found, IBufferWriter<byte> destination)
    {
        var span = stored.Span;
        if (!found || span.Length < HeaderLength || span[0] != Version)
        {
            return false;
        }

        var absolute = BinaryPrimitives.ReadInt64LittleEndian(span[1..]);
        var sliding = BinaryPrimitives.ReadInt64LittleEndian(span[(1 + sizeof(long))..]);
        if (sliding > 0 && Ttl(absolute, sliding, Now()) is { } ttl && ttl > TimeSpan.Zero)
        {
            _db.KeyExpire(Full(key), ttl, flags: CommandFlags.FireAndForget);
        }

        destination.Write(span[HeaderLength..]);
        return true;
    }

    /// <summary>A writer that keeps nothing (Refresh reads an entry only to move its TTL on).</summary>
    private sealed class NullWriter : IBufferWriter<byte>
    {
        public static readonly NullWriter Instance = new();
        private byte[] _scratch = new byte[256];

        public void Advance(int count)
        {
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => Scratch(sizeHint);

        public Span<byte> GetSpan(int sizeHint = 0) => Scratch(sizeHint).Span;

        private Memory<byte> Scratch(int sizeHint)
        {
            if (_scratch.Length < sizeHint)
            {
                _scratch = new byte[sizeHint];
            }

            return _scratch;
        }
    }
}
