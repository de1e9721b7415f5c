using System.Globalization;

namespace Hoard.Bench.ClusterBench;

/// <summary>
/// A pipelined GET/SET load (half each, random keys) over a fixed keyspace spread over every slot, from a few
/// clients (<see cref="ClusterClient"/>, one thread each). Each batch goes out as one write per node it touches, then
/// its replies are read, a MOVED among them followed one command at a time. The same code runs whatever the cluster
/// does, so the count of answered commands (<see cref="Completed"/>) read at two moments gives the throughput between.
/// </summary>
internal sealed class MixedLoad
{
    /// <summary>Keys <c>l:0</c> … of the load.</summary>
    public const int Keys = 100_000;

    private static readonly string Value = new('l', 32);

    private readonly int[] _portOf;
    private readonly int _pipeline;
    private readonly LoopThreads _clients;
    private readonly string[] _keys = [.. Enumerable.Range(0, Keys).Select(Key)];
    private readonly int[] _slotOf;
    private long _completed;
    private long _redirects;
    private int _errors;
    private string? _firstError;

    public MixedLoad(int[] portOf, int clients, int pipeline, CancellationToken token)
    {
        _portOf = portOf;
        _pipeline = pipeline;
        _clients = new LoopThreads(clients, token);
        _slotOf = [.. _keys.Select(SlotTags.SlotOf)];
    }

    /// <summary>Commands answered without an error so far.</summary>
    public long Completed => Interlocked.Read(ref _completed);

    public long Redirects => Interlocked.Read(ref _redirects);

    public int Errors => Volatile.Read(ref _errors);

    public string? FirstError => _firstError;

    /// <summary>How many of the keys live in slots <paramref name="start"/>–<paramref name="end"/>.</summary>
    public int KeysIn(int start, int end) => _slotOf.Count(s => s >= start && s <= end);

    public static string Key(int n) => string.Create(CultureInfo.InvariantCulture, $"l:{n}");

    /// <summary>Sets every key once, pipelined, so the load only overwrites (the nodes' memory stays put under it).</summary>
    public void Prefill()
    {
        using var client = new ClusterClient(_portOf);
        for (var first = 0; first < Keys; first += 1000)
        {
            var batch = Enumerable.Range(first, Math.Min(1000, Keys - first)).Select(k => (_slotOf[k], new object[] { "SET", _keys[k], Value })).ToArray();
            foreach (var (slot, _, reply) in Run(client, batch))
            {
                if (reply is not "OK")
                {
                    throw new InvalidOperationException($"SET of a load key in slot {slot} answered {(reply as RespError)?.Message ?? reply}");
                }
            }
        }
    }

    public void Start() => _clients.Start(Loop);

    /// <summary>Stops every client, waiting at most <paramref name="bound"/>.</summary>
    public void Stop(TimeSpan bound)
    {
        _clients.RequestStop();
        if (!_clients.Join(bound))
        {
            throw new TimeoutException($"the load did not stop within {bound.TotalSeconds:0} s");
        }

        Cancel();
    }

    /// <summary>Stops every client (waiting for its batch in flight); once.</summary>
    public void Cancel() => _clients.Stop();

    private void Loop(int seed)
    {
        var random = new Random(seed);
        using var client = new ClusterClient(_portOf);
        client.ConnectAll();
        var batch = new (int Slot, object[] Command)[_pipeline];
        while (!_clients.IsStopping)
        {
            for (var j = 0; j < batch.Length; j++)
            {
                var k = random.Next(Keys);
                batch[j] = (_slotOf[k], random.Next(2) == 0 ? ["GET", _keys[k]] : ["SET", _keys[k], Value]);
            }

            try
            {
                var ok = 0;
                foreach (var (_, _, reply) in Run(client, batch))
                {
                    if (reply is RespError error)
                    {
                        Error(error.Message);
                    }
                    else
                    {
                        ok++;
                    }
                }

                Interlocked.Add(ref _completed, ok);
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException or InvalidDataException
                && !_clients.IsStopping)
            {
                Error($"{e.GetType().Name}: {e.Message}");
                client.Reset(); // a connection may hold replies of the failed batch
            }
        }
    }

    /// <summary>One batch: a write per node, the replies in order, MOVED followed; each command's final reply.</summary>
    private List<(int Slot, object[] Command, object? Reply)> Run(ClusterClient client, (int Slot, object[] Command)[] batch)
    {
        var byNode = new Dictionary<RespConnection, List<int>>();
        for (var j = 0; j < batch.Length; j++)
        {
            var connection = client.For(batch[j].Slot);
            if (!byNode.TryGetValue(connection, out var indexes))
            {
                byNode[connection] = indexes = [];
            }

            indexes.Add(j);
        }

        foreach (var (connection, indexes) in byNode)
        {
            connection.SendAll([.. indexes.Select(j => batch[j].Command)]);
        }

        var replies = new object?[batch.Length];
        foreach (var (connection, indexes) in byNode)
        {
            foreach (var j in indexes)
            {
                replies[j] = connection.ReadReply();
            }
        }

        var results = new List<(int, object[], object?)>(batch.Length);
        for (var j = 0; j < batch.Length; j++)
        {
            var (slot, command) = batch[j];
            var before = client.Redirects[slot];
            var reply = client.Follow(slot, command, replies[j]);
            Interlocked.Add(ref _redirects, client.Redirects[slot] - before);
            results.Add((slot, command, reply));
        }

        return results;
    }

    private void Error(string message)
    {
        Interlocked.Increment(ref _errors);
        Interlocked.CompareExchange(ref _firstError, message, null);
    }
}
