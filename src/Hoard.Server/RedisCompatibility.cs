namespace Hoard.Server;

/// <summary>Which Redis release's behaviour Hoard matches; clients gate features on it (INFO, HELLO).</summary>
public static class RedisCompatibility
{
    /// <summary>The Redis version Hoard reports as <c>redis_version</c> and in HELLO.</summary>
    public const string RedisVersion = "7.2.4";
}
