using System.Collections.Concurrent;
using Hoard.Protocol;
using Hoard.Server.Commands;
using Hoard.Storage.Keys;

namespace Hoard.Server.Cluster.Moves;

/// <summary>
/// For a moment after a slot move, the source answers commands on the slots it handed over by running them at the
/// target and passing the reply on, where it would otherwise answer -MOVED. A client may reach it through a redirect
/// already: a slot moved twice in a row (into this node, then out) that the client had not used in between is still
/// mapped to its first owner, which — until it applies the second handover, milliseconds later — redirects here; a
/// second redirect is one more than StackExchange.Redis follows. Once <see cref="Grace"/> passed, every node knows the new
/// owner and this node redirects to it as usual.
/// </summary>
internal sealed class SlotProxy(HoardServer server) : IDisposable
{
    /// <summary>How long after a handover the source runs the slots' commands at the target.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan CallLimit = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<(string Host, int Port, RespVersion Protocol), ConcurrentBag<NodeConnection>> _idle = new();
    private readonly Lock _gate = new();
    private Handover[] _recent = []; // replaced, never changed: read without the lock on every redirect

    /// <summary>After a handover of <paramref name="slots"/> to the node at <paramref name="host"/>:<paramref name="port"/>.</summary>
    public void Add(SlotSet slots, string host, int port)
    {
        lock (_gate)
        {
            var now = Environment.TickCount64;
            Volatile.Write(ref _recent, [.. _recent.Where(h => h.Until > now), new Handover(slots, host, port, now + (long)Grace.TotalMilliseconds)]);
        }
    }

    /// <summary>
    /// Before a handover to the node at <paramref name="host"/>:<paramref name="port"/>: runs a PING there the way held
    /// commands will run (for RESP2 clients, most of them), so when they run again after the handover the connection is
    /// open and the code has run once.
    /// </summary>
    public Task PrepareAsync(string host, int port) =>
        RunAsync(new Handover(new SlotSet(), host, port, 0), ["PING"u8.ToArray()], RespVersion.Resp2);

    /// <summary>The node a command on <paramref name="slot"/> (which this node's routes redirect) runs at now, or null.</summary>
    public Handover? TargetOf(int slot)
    {
        var recent = Volatile.Read(ref _recent);
        if (recent.Length == 0)
        {
            return null;
        }

        var now = Environment.TickCount64;
        foreach (var handover in recent)
        {
            if (handover.Until > now && handover.Slots.Contains(slot))
            {
                return handover;
            }
        }

        if (recent.All(h => h.Until <= now))
        {
            lock (_gate)
            {
                Volatile.Write(ref _recent, [.. _recent.Where(h => h.Until > now)]);
            }

            Dispose(); // the connections go with the last handover's grace (a later one opens its own)
        }

        return null;
    }

    /// <summary>Closes the idle connections.</summary>
    public void Dispose()
    {
        foreach (var pool in _idle.Values)
        {
            while (pool.TryTake(out var connection))
            {
                connection.Dispose();
            }
        }
    }

    /// <summary>Runs <paramref name="args"/> at the target of <paramref name="handover"/> and answers its reply.</summary>
    public async Task<DeferredReply> RunAsync(Handover handover, ReadOnlyMemory<byte>[] args, RespVersion protocol)
    {
        var key = (handover.Host, handover.Port, protocol);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(server.Stopping);
        limit.CancelAfter(CallLimit);
        NodeConnection? connection = null;
        try
        {
            connection = _idle.GetOrAdd(key, _ => []).TryTake(out var idle)
                ? idle
                : await NodeConnection.OpenAsync(handover.Host, handover.Port, server.Options.RequirePass, protocol, limit.Token).ConfigureAwait(false);
            var reply = await connection.CallAsync(args, limit.Token).ConfigureAwait(false);
            _idle.GetOrAdd(key, _ => []).Add(connection);
            connection = null;
            return (ref RespWriter w) => w.WriteRaw(reply);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException or InvalidDataException)
        {
            return DeferredReplies.Error($"TRYAGAIN the slot just moved to {handover.Host}:{handover.Port}, which did not answer in time");
        }
        finally
        {
            connection?.Dispose();
        }
    }

    /// <summary>Slots handed over to a node, and until when (<see cref="Environment.TickCount64"/>) their commands are run there.</summary>
    internal sealed record Handover(SlotSet Slots, string Host, int Port, long Until);
}
