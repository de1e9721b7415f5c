namespace Hoard.Server.Tracking;

/// <summary>CLIENT TRACKING's state of one client, as CLIENT TRACKINGINFO names its flags.</summary>
[Flags]
public enum TrackingFlags
{
    /// <summary>Tracking is off.</summary>
    None = 0,

    /// <summary>Tracking is on (<c>on</c>).</summary>
    On = 1 << 0,

    /// <summary>Broadcasting: every key with one of the prefixes, read or not (<c>bcast</c>).</summary>
    Broadcast = 1 << 1,

    /// <summary>Only the keys of commands right after CLIENT CACHING YES (<c>optin</c>).</summary>
    OptIn = 1 << 2,

    /// <summary>Every key but those of commands right after CLIENT CACHING NO (<c>optout</c>).</summary>
    OptOut = 1 << 3,

    /// <summary>No notice of keys this client changed itself (<c>noloop</c>).</summary>
    NoLoop = 1 << 4,

    /// <summary>CLIENT CACHING YES came last (<c>caching-yes</c>).</summary>
    CachingYes = 1 << 5,

    /// <summary>CLIENT CACHING NO came last (<c>caching-no</c>).</summary>
    CachingNo = 1 << 6,

    /// <summary>The client notices are redirected to went away (<c>broken_redirect</c>).</summary>
    BrokenRedirect = 1 << 7,
}

/// <summary>
/// One client's CLIENT TRACKING settings. Its own commands change them (through <see cref="TrackingHub"/>, under its
/// lock, for the mode and prefixes); the hub reads them from any thread when a key changes.
/// </summary>
public sealed class ClientTracking
{
    private int _flags;
    private long _redirect;

    /// <summary>The mode and state flags.</summary>
    public TrackingFlags Flags => (TrackingFlags)Volatile.Read(ref _flags);

    /// <summary>Whether tracking is on.</summary>
    public bool IsOn => (Flags & TrackingFlags.On) != 0;

    /// <summary>The client notices go to; 0 for this one.</summary>
    public long RedirectId
    {
        get => Interlocked.Read(ref _redirect);
        internal set => Interlocked.Exchange(ref _redirect, value);
    }

    /// <summary>The prefixes of broadcasting mode (an empty one matches every key).</summary>
    public IReadOnlyList<byte[]> Prefixes { get; internal set; } = [];

    internal void Set(TrackingFlags flags) => Volatile.Write(ref _flags, (int)flags);

    internal void Add(TrackingFlags flags) => Interlocked.Or(ref _flags, (int)flags);

    internal void Remove(TrackingFlags flags) => Interlocked.And(ref _flags, ~(int)flags);

    /// <summary>
    /// Whether a read-only command that runs now has its keys remembered: tracking on, not broadcasting, and in OPTIN
    /// mode only right after CLIENT CACHING YES, in OPTOUT mode not right after CLIENT CACHING NO.
    /// </summary>
    internal bool RemembersReads
    {
        get
        {
            var flags = Flags;
            return (flags & (TrackingFlags.On | TrackingFlags.Broadcast)) == TrackingFlags.On
                && ((flags & TrackingFlags.OptIn) == 0 || (flags & TrackingFlags.CachingYes) != 0)
                && ((flags & TrackingFlags.OptOut) == 0 || (flags & TrackingFlags.CachingNo) == 0);
        }
    }
}
