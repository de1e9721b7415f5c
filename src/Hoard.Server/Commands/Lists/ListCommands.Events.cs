using Hoard.Server.Notifications;
using Hoard.Storage;

namespace Hoard.Server.Commands.Lists;

/// <summary>
/// Keyspace notifications of the list commands (docs/notifications.md), with Redis's names and order: raised after
/// the change, outside the shard locks, only when something changed.
/// </summary>
internal static partial class ListCommands
{
    private static ReadOnlySpan<byte> PushEvent(bool left) => left ? "lpush"u8 : "rpush"u8;

    private static ReadOnlySpan<byte> PopEvent(bool left) => left ? "lpop"u8 : "rpop"u8;

    /// <summary>
    /// <c>lpop</c>/<c>rpop</c> for <paramref name="key"/>, then <c>del</c> if the pop emptied it (checked only while the
    /// generic class is on).
    /// </summary>
    private static void NotifyPopped(ref CommandContext c, ReadOnlySpan<byte> key, bool left)
    {
        c.Notify(NotifyClass.List, PopEvent(left), key);
        NotifyIfEmptied(ref c, key);
    }

    /// <summary>
    /// LMOVE's events as Redis raises them: the push on the destination first, then the pop on the source, then
    /// <c>del</c> if the source was emptied.
    /// </summary>
    private static void NotifyMoved(ref CommandContext c, ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, bool fromLeft, bool toLeft)
    {
        c.Notify(NotifyClass.List, PushEvent(toLeft), destination);
        NotifyPopped(ref c, source, fromLeft);
    }

    /// <summary>
    /// <c>del</c> when the command just removed the last element of <paramref name="key"/> (the key is gone). The
    /// engine deletes an emptied list inside the write; the key's absence right after it is the sign, as HDEL's
    /// (a client writing the key in between can hide it).
    /// </summary>
    private static void NotifyIfEmptied(ref CommandContext c, ReadOnlySpan<byte> key)
    {
        if ((c.Server.Notifications.Active & NotifyClass.Generic) != 0 && !c.Database.Exists(key))
        {
            c.Notify(NotifyClass.Generic, "del"u8, key);
        }
    }

    /// <summary>
    /// Raises the events of a pop or move a blocked client was served with (no <see cref="CommandContext"/> there):
    /// the same events, in the same order, as the non-blocking command's.
    /// </summary>
    private readonly struct ServedEvents(HoardServer server, Database database)
    {
        public void Popped(ReadOnlySpan<byte> key, bool left)
        {
            Raise(NotifyClass.List, PopEvent(left), key);
            if ((server.Notifications.Active & NotifyClass.Generic) != 0 && !database.Exists(key))
            {
                Raise(NotifyClass.Generic, "del"u8, key);
            }
        }

        public void Moved(ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, bool fromLeft, bool toLeft)
        {
            Raise(NotifyClass.List, PushEvent(toLeft), destination);
            Popped(source, fromLeft);
        }

        private void Raise(NotifyClass type, ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> key)
        {
            var notifications = server.Notifications;
            if ((notifications.Active & type) != 0)
            {
                notifications.Raise(type, eventName, database.Index, key);
            }
        }
    }
}
