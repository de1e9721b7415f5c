namespace Hoard.Server.Commands;

/// <summary>What a command does, as COMMAND INFO reports it (https://redis.io/docs/latest/commands/command/).</summary>
[Flags]
public enum CommandFlags
{
    /// <summary>No flag.</summary>
    None = 0,
    /// <summary>May modify the keyspace (<c>write</c>).</summary>
    Write = 1 << 0,
    /// <summary>Only reads (<c>readonly</c>).</summary>
    ReadOnly = 1 << 1,
    /// <summary>May need more memory (<c>denyoom</c>): refused under OOM.</summary>
    DenyOom = 1 << 2,
    /// <summary>Administrative (<c>admin</c>).</summary>
    Admin = 1 << 3,
    /// <summary>Pub/Sub related (<c>pubsub</c>).</summary>
    PubSub = 1 << 4,
    /// <summary>Runs in constant time, cheap (<c>fast</c>).</summary>
    Fast = 1 << 5,
    /// <summary>Allowed before AUTH (<c>no_auth</c>).</summary>
    NoAuth = 1 << 6,
    /// <summary>Allowed while loading (<c>loading</c>).</summary>
    Loading = 1 << 7,
    /// <summary>Allowed on a stale replica (<c>stale</c>).</summary>
    Stale = 1 << 8,
    /// <summary>Allowed in a RESP2 subscribed context.</summary>
    SubscribedContext = 1 << 9,
    /// <summary>Runs on a slot this node imports as if ASKING came first (<c>asking</c>: RESTORE-ASKING).</summary>
    Asking = 1 << 10,
}
