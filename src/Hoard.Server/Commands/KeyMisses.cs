using Hoard.Server.Notifications;

namespace Hoard.Server.Commands;

/// <summary>
/// The <c>keymiss</c> keyspace event (class <c>m</c>) for read commands whose lookup the keyspace does not report
/// itself (reads that find nothing through the engine's read path are reported as <c>KeyEvent.Missed</c>).
/// </summary>
internal static class KeyMisses
{
    /// <summary>Raises <c>keymiss</c> for <paramref name="key"/>; one flag test when the class is off.</summary>
    public static void Notify(ref CommandContext c, ReadOnlySpan<byte> key) => c.Notify(NotifyClass.KeyMiss, "keymiss"u8, key);

    /// <summary>Raises <c>keymiss</c> if <paramref name="key"/> does not exist; looks it up only while the class is on.</summary>
    public static void NotifyIfMissing(ref CommandContext c, ReadOnlySpan<byte> key)
    {
        if ((c.Server.Notifications.Active & NotifyClass.KeyMiss) != 0 && !c.Database.Exists(key))
        {
            c.Notify(NotifyClass.KeyMiss, "keymiss"u8, key);
        }
    }
}
