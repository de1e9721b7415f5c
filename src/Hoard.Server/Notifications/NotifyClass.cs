namespace Hoard.Server.Notifications;

/// <summary>
/// The classes of <c>notify-keyspace-events</c> (https://redis.io/docs/latest/develop/use/keyspace-notifications/),
/// one bit each, as Redis numbers them. A command handler names the class of the event it raises
/// (<see cref="Commands.CommandContext.Notify(NotifyClass, ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>); <see cref="Keyspace"/> and <see cref="Keyevent"/> say which of the two
/// channels carry it.
/// </summary>
[Flags]
public enum NotifyClass
{
    /// <summary>No class.</summary>
    None = 0,

    /// <summary><c>K</c>: publish on <c>__keyspace@&lt;db&gt;__:&lt;key&gt;</c>, the event as message.</summary>
    Keyspace = 1 << 0,

    /// <summary><c>E</c>: publish on <c>__keyevent@&lt;db&gt;__:&lt;event&gt;</c>, the key as message.</summary>
    Keyevent = 1 << 1,

    /// <summary><c>g</c>: generic commands (DEL, EXPIRE, RENAME, COPY, MOVE, RESTORE, …).</summary>
    Generic = 1 << 2,

    /// <summary><c>$</c>: string commands.</summary>
    String = 1 << 3,

    /// <summary><c>l</c>: list commands.</summary>
    List = 1 << 4,

    /// <summary><c>s</c>: set commands.</summary>
    Set = 1 << 5,

    /// <summary><c>h</c>: hash commands.</summary>
    Hash = 1 << 6,

    /// <summary><c>z</c>: sorted set commands.</summary>
    SortedSet = 1 << 7,

    /// <summary><c>x</c>: a key expired (<c>expired</c>).</summary>
    Expired = 1 << 8,

    /// <summary><c>e</c>: a key was evicted (<c>evicted</c>).</summary>
    Evicted = 1 << 9,

    /// <summary><c>t</c>: stream commands (accepted; Hoard has no streams).</summary>
    Stream = 1 << 10,

    /// <summary><c>m</c>: a read looked a key up and did not find it (<c>keymiss</c>); not part of <see cref="All"/>.</summary>
    KeyMiss = 1 << 11,

    /// <summary><c>d</c>: module events (accepted; Hoard has no modules).</summary>
    Module = 1 << 12,

    /// <summary><c>n</c>: a key was created (<c>new</c>); not part of <see cref="All"/>.</summary>
    New = 1 << 13,

    /// <summary><c>A</c>: <c>g$lshzxetd</c>.</summary>
    All = Generic | String | List | Set | Hash | SortedSet | Expired | Evicted | Stream | Module,
}
