using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Text;
using Hoard.Server.KeyEvents;
using Hoard.Server.PubSub;
using Hoard.Storage;

namespace Hoard.Server.Notifications;

/// <summary>
/// Keyspace notifications (https://redis.io/docs/latest/develop/use/keyspace-notifications/): events about keys,
/// published through <see cref="PubSubHub"/> on <c>__keyspace@&lt;db&gt;__:&lt;key&gt;</c> (the event as message) and
/// <c>__keyevent@&lt;db&gt;__:&lt;event&gt;</c> (the key as message), node-local as in Redis. Command handlers raise
/// events with <see cref="Commands.CommandContext.Notify(NotifyClass, ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>; <c>expired</c>, <c>evicted</c>, <c>new</c> and <c>keymiss</c> come
/// from the keyspace, under a shard lock, so every event is queued and published off the lock, in queue order.
/// </summary>
public sealed class KeyspaceNotifications : IKeyspaceObserver
{
    /// <summary>Redis's CONFIG SET error for a letter it does not know (without "ERR").</summary>
    public const string InvalidClassError = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";

    private static readonly byte[] ExpiredEvent = "expired"u8.ToArray();
    private static readonly byte[] EvictedEvent = "evicted"u8.ToArray();
    private static readonly byte[] NewEvent = "new"u8.ToArray();
    private static readonly byte[] KeyMissEvent = "keymiss"u8.ToArray();

    private readonly PubSubHub _hub;
    private readonly Keyspace _keyspace;
    private readonly KeyEventFanOut _keyEvents;
    private readonly ConcurrentQueue<Pending> _queue = new();
    private readonly Lock _drain = new();
    private readonly Lock _configure = new();
    private int _pending;
    private NotifyClass _configured;
    private bool _listening;

    /// <summary>Creates the notifications of a node, off until <see cref="Configure"/> turns classes on.</summary>
    public KeyspaceNotifications(PubSubHub hub, Keyspace keyspace, KeyEventFanOut keyEvents)
    {
        _hub = hub ?? throw new ArgumentNullException(nameof(hub));
        _keyspace = keyspace ?? throw new ArgumentNullException(nameof(keyspace));
        _keyEvents = keyEvents ?? throw new ArgumentNullException(nameof(keyEvents));
    }

    /// <summary>
    /// The classes that raise an event now: the configured ones, or none when neither <c>K</c> nor <c>E</c> is set
    /// (Redis publishes nothing then). Read on every <see cref="Commands.CommandContext.Notify(NotifyClass, ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>; a plain read is
    /// enough, a CONFIG SET is seen by the commands that follow it.
    /// </summary>
    public NotifyClass Active { get; private set; }

    /// <summary>The classes as configured (<c>notify-keyspace-events</c>).</summary>
    public NotifyClass Configured => _configured;

    /// <summary>
    /// Turns classes on or off. The first time <c>x</c>, <c>e</c>, <c>n</c> or <c>m</c> is on, joins the keyspace's
    /// listeners; <c>n</c> and <c>m</c> also make the keyspace report creations and read misses (each costs a check
    /// while off).
    /// </summary>
    public void Configure(NotifyClass classes)
    {
        lock (_configure)
        {
            _configured = classes;
            var active = (classes & (NotifyClass.Keyspace | NotifyClass.Keyevent)) == 0 ? NotifyClass.None : classes;
            _keyspace.ReportsCreations = (active & NotifyClass.New) != 0;
            _keyspace.ReportsMisses = (active & NotifyClass.KeyMiss) != 0;
            if (!_listening && (active & (NotifyClass.Expired | NotifyClass.Evicted | NotifyClass.New | NotifyClass.KeyMiss)) != 0)
            {
                _listening = true;
                _keyEvents.Add(this);
            }

            Active = active;
        }
    }

    /// <summary>
    /// Queues an event of class <paramref name="type"/> for <paramref name="key"/> in <paramref name="database"/> and
    /// publishes the queue; the caller checked <see cref="Active"/> (see <see cref="Commands.CommandContext.Notify(NotifyClass, ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>).
    /// Never call it under a shard lock.
    /// </summary>
    public void Raise(NotifyClass type, ReadOnlySpan<byte> eventName, int database, ReadOnlySpan<byte> key)
    {
        if (Enqueue(type, eventName.ToArray(), database, key))
        {
            Drain();
        }
    }

    /// <summary>
    /// The events of a command that removed elements of <paramref name="key"/> (SREM, LPOP, ZPOPMIN, a served BLPOP …):
    /// <paramref name="eventName"/>, then <c>del</c> when the key is gone — the engine deletes a collection its last
    /// element left, so the key's absence right after the change is the sign (looked up only while the generic class
    /// is on; a client re-creating the key in between hides it). After the change, outside any shard lock.
    /// </summary>
    public void RaiseRemoved(NotifyClass type, ReadOnlySpan<byte> eventName, Database database, ReadOnlySpan<byte> key)
    {
        ArgumentNullException.ThrowIfNull(database);
        var active = Active;
        if ((active & type) != 0)
        {
            Raise(type, eventName, database.Index, key);
        }

        if ((active & NotifyClass.Generic) != 0 && !database.Exists(key))
        {
            Raise(NotifyClass.Generic, "del"u8, database.Index, key);
        }
    }

    /// <inheritdoc/>
    /// <remarks>Under the key's shard lock: only queues (<see cref="Drain"/> publishes).</remarks>
    public void OnKeyEvent(KeyEvent kind, int database, ReadOnlySpan<byte> key)
    {
        switch (kind)
        {
            case KeyEvent.Expired:
                Enqueue(NotifyClass.Expired, ExpiredEvent, database, key);
                break;
            case KeyEvent.Evicted:
                Enqueue(NotifyClass.Evicted, EvictedEvent, database, key);
                break;
            case KeyEvent.Created:
                Enqueue(NotifyClass.New, NewEvent, database, key);
                break;
            case KeyEvent.Missed:
                Enqueue(NotifyClass.KeyMiss, KeyMissEvent, database, key);
                break;
        }
    }

    /// <summary>
    /// Publishes the queued events in order. Cheap when nothing is queued: the dispatcher calls it after every command
    /// (events a command caused under a lock, such as a lazy expiry) and the active expiry loop after every cycle.
    /// </summary>
    public void Drain()
    {
        if (Volatile.Read(ref _pending) == 0)
        {
            return;
        }

        // One drainer at a time, dequeuing and publishing under the same lock: messages leave in queue order.
        lock (_drain)
        {
            while (_queue.TryDequeue(out var pending))
            {
                Interlocked.Decrement(ref _pending);
                Publish(pending);
            }
        }
    }

    /// <summary>Parses Redis's class letters (<c>K E g $ l s h z x e t m d n A</c>, case-sensitive); false on any other.</summary>
    public static bool TryParse(string text, out NotifyClass classes)
    {
        ArgumentNullException.ThrowIfNull(text);
        classes = NotifyClass.None;
        foreach (var ch in text)
        {
            var bit = ch switch
            {
                'A' => NotifyClass.All,
                'g' => NotifyClass.Generic,
                '$' => NotifyClass.String,
                'l' => NotifyClass.List,
                's' => NotifyClass.Set,
                'h' => NotifyClass.Hash,
                'z' => NotifyClass.SortedSet,
                'x' => NotifyClass.Expired,
                'e' => NotifyClass.Evicted,
                'K' => NotifyClass.Keyspace,
                'E' => NotifyClass.Keyevent,
                't' => NotifyClass.Stream,
                'm' => NotifyClass.KeyMiss,
                'd' => NotifyClass.Module,
                'n' => NotifyClass.New,
                _ => (NotifyClass)(-1),
            };
            if (bit == (NotifyClass)(-1))
            {
                classes = NotifyClass.None;
                return false;
            }

            classes |= bit;
        }

        return true;
    }

    /// <summary>
    /// The canonical form CONFIG GET prints, as Redis writes it: <c>A</c> when every class of A is on (and then no
    /// <c>n</c> even when it is on, as Redis), else the class letters in <c>g$lshzxetdn</c> order; then <c>K</c>,
    /// <c>E</c>, <c>m</c>.
    /// </summary>
    public static string Format(NotifyClass classes)
    {
        var text = new StringBuilder();
        if ((classes & NotifyClass.All) == NotifyClass.All)
        {
            text.Append('A');
        }
        else
        {
            Append(text, classes, NotifyClass.Generic, 'g');
            Append(text, classes, NotifyClass.String, '$');
            Append(text, classes, NotifyClass.List, 'l');
            Append(text, classes, NotifyClass.Set, 's');
            Append(text, classes, NotifyClass.Hash, 'h');
            Append(text, classes, NotifyClass.SortedSet, 'z');
            Append(text, classes, NotifyClass.Expired, 'x');
            Append(text, classes, NotifyClass.Evicted, 'e');
            Append(text, classes, NotifyClass.Stream, 't');
            Append(text, classes, NotifyClass.Module, 'd');
            Append(text, classes, NotifyClass.New, 'n');
        }

        Append(text, classes, NotifyClass.Keyspace, 'K');
        Append(text, classes, NotifyClass.Keyevent, 'E');
        Append(text, classes, NotifyClass.KeyMiss, 'm');
        return text.ToString();
    }

    private static void Append(StringBuilder text, NotifyClass classes, NotifyClass bit, char letter)
    {
        if ((classes & bit) != 0)
        {
            text.Append(letter);
        }
    }

    private bool Enqueue(NotifyClass type, byte[] eventName, int database, ReadOnlySpan<byte> key)
    {
        var active = Active;
        if ((active & type) == 0)
        {
            return false;
        }

        _queue.Enqueue(new Pending(active & (NotifyClass.Keyspace | NotifyClass.Keyevent), eventName, database, key.ToArray()));
        Interlocked.Increment(ref _pending);
        return true;
    }

    private void Publish(Pending pending)
    {
        if ((pending.Channels & NotifyClass.Keyspace) != 0)
        {
            _hub.Publish(Channel("__keyspace@"u8, pending.Database, pending.Key), pending.Event);
        }

        if ((pending.Channels & NotifyClass.Keyevent) != 0)
        {
            _hub.Publish(Channel("__keyevent@"u8, pending.Database, pending.Event), pending.Key);
        }
    }

    /// <summary><c>&lt;prefix&gt;&lt;db&gt;__:&lt;suffix&gt;</c>.</summary>
    private static byte[] Channel(ReadOnlySpan<byte> prefix, int database, ReadOnlySpan<byte> suffix)
    {
        Span<byte> digits = stackalloc byte[11];
        Utf8Formatter.TryFormat(database, digits, out var length);
        var channel = new byte[prefix.Length + length + 3 + suffix.Length];
        prefix.CopyTo(channel);
        digits[..length].CopyTo(channel.AsSpan(prefix.Length));
        "__:"u8.CopyTo(channel.AsSpan(prefix.Length + length));
        suffix.CopyTo(channel.AsSpan(prefix.Length + length + 3));
        return channel;
    }

    /// <summary>One event waiting to be published; <see cref="Channels"/> are the K/E bits when it was raised.</summary>
    private readonly record struct Pending(NotifyClass Channels, byte[] Event, int Database, byte[] Key);
}
