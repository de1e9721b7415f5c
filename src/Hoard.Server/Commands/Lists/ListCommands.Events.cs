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
    /// <c>lpop</c>/<c>rpop</c> for <paramref name="key"/>, then <c>del</c> if the pop emptied it
    /// (<see cref="KeyspaceNotifications.RaiseRemoved"/>).
    /// </summary>
    private static void NotifyPopped(ref CommandContext c, ReadOnlySpan<byte> key, bool left) =>
        ElementEvents.Removed(ref c, NotifyClass.List, PopEvent(left), key);

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
    /// The events of a pop or move a blocked client was served with (no <see cref="CommandContext"/> there): the same
    /// events, in the same order, as the non-blocking command's.
    /// </summary>
    private static void NotifyServed(HoardServer server, Database database, ReadOnlySpan<byte> source, bool fromLeft,
        ReadOnlySpan<byte> destination = default, bool toLeft = false)
    {
        var notifications = server.Notifications;
        if (!destination.IsEmpty && (notifications.Active & NotifyClass.List) != 0)
        {
            notifications.Raise(NotifyClass.List, PushEvent(toLeft), database.Index, destination);
        }

        notifications.RaiseRemoved(NotifyClass.List, PopEvent(fromLeft), database, source);
    }
}
