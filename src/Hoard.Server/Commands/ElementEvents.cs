using Hoard.Server.Notifications;

namespace Hoard.Server.Commands;

/// <summary>
/// Keyspace events of the element types' commands, in Redis's order: the command's event, then <c>del</c> when the
/// command emptied the key; a store form's event on its destination, or <c>del</c> when an empty result deleted it.
/// Call after the change succeeded, outside any shard lock; one flag test each while the classes are off.
/// </summary>
internal static class ElementEvents
{
    /// <summary>
    /// Raises <paramref name="eventName"/> for <paramref name="key"/>, then <c>del</c> if the key is gone (its last
    /// element went): <see cref="KeyspaceNotifications.RaiseRemoved"/>.
    /// </summary>
    public static void Removed(ref CommandContext c, NotifyClass type, ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> key) =>
        c.Server.Notifications.RaiseRemoved(type, eventName, c.Database, key);

    /// <summary>
    /// A store form's events: <paramref name="eventName"/> on the destination when the result had members, <c>del</c>
    /// when an empty result deleted an existing destination, nothing otherwise.
    /// </summary>
    public static void Stored(ref CommandContext c, NotifyClass type, ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> destination, long count, bool deleted)
    {
        if (count > 0)
        {
            c.Notify(type, eventName, destination);
        }
        else if (deleted)
        {
            c.Notify(NotifyClass.Generic, "del"u8, destination);
        }
    }
}
