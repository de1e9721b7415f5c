using System.Diagnostics;

namespace Hoard.Bench.ClusterBench;

/// <summary>One probe command: its slot, when it was sent (Stopwatch timestamp), how long until it was answered (ms,
/// redirects followed included), how long until the first reply came (the answer, or the MOVED that sent it on) and
/// whether it was redirected.</summary>
internal readonly record struct ProbeSample(int Slot, long Sent, double Ms, double FirstReplyMs, bool Redirected);

/// <summary>
/// Write probes for a slot move: each of a few clients (<see cref="ClusterClient"/>, one thread each) sets one key per
/// moving slot, slot after slot round the range, one command at a time, and times each command until its (possibly
/// redirected) reply. Once the move has ended (<see cref="MoveEnded"/>) each probe goes once more round every slot,
/// so every probe meets every slot's redirect, then stops.
/// </summary>
internal sealed class MoveProbe
{
    private static readonly string Value = new('p', 16);

    private readonly int[] _slots;
    private readonly LoopThreads _probes;
    private readonly List<ProbeSample>[] _samples;
    private readonly ClusterClient[] _clients;
    private long _moveEnded;
    private int _errors;
    private string? _firstError;

    public MoveProbe(int[] portOf, int[] slots, int probes, CancellationToken token)
    {
        _slots = slots;
        _samples = [.. Enumerable.Range(0, probes).Select(_ => new List<ProbeSample>())];
        _clients = [.. Enumerable.Range(0, probes).Select(_ => new ClusterClient(portOf))];
        _probes = new LoopThreads(probes, token);
    }

    public int Count => _probes.Count;

    /// <summary>Every probe's commands, in the order each sent them.</summary>
    public IReadOnlyList<ProbeSample>[] Samples => _samples;

    /// <summary>Each probe's redirects per slot.</summary>
    public IEnumerable<int[]> Redirects => _clients.Select(c => c.Redirects);

    /// <summary>Commands answered with an error (other than a followed MOVED) or that failed on the connection.</summary>
    public int Errors => Volatile.Read(ref _errors);

    public string? FirstError => _firstError;

    /// <summary>The key probe <paramref name="probe"/> sets in <paramref name="slot"/>.</summary>
    public static string Key(int probe, int slot) => SlotTags.Key($"p{probe}:", slot, 0);

    public void Start() => _probes.Start(Loop);

    /// <summary>The move has ended: each probe goes round every slot once more, then stops.</summary>
    public void MoveEnded() => Interlocked.Exchange(ref _moveEnded, 1);

    /// <summary>Waits until every probe stopped (after <see cref="MoveEnded"/>), at most <paramref name="bound"/>.</summary>
    public void Join(TimeSpan bound)
    {
        if (!_probes.Join(bound))
        {
            throw new TimeoutException($"the write probes did not go round the moved slots within {bound.TotalSeconds:0} s");
        }

        Cancel();
    }

    /// <summary>Stops every probe (waiting for its command in flight) and closes their connections; once.</summary>
    public void Cancel()
    {
        if (!_probes.Stop())
        {
            return;
        }

        foreach (var client in _clients)
        {
            client.Dispose();
        }
    }

    private void Loop(int probe)
    {
        var client = _clients[probe];
        client.ConnectAll();
        var samples = _samples[probe];
        var keys = _slots.Select(s => Key(probe, s)).ToArray();
        var offset = probe * _slots.Length / _probes.Count; // the probes start apart
        var lastRound = -1L;
        for (var n = 0L; !_probes.IsStopping; n++)
        {
            if (lastRound < 0 && Volatile.Read(ref _moveEnded) != 0)
            {
                lastRound = n;
            }

            if (lastRound >= 0 && n - lastRound >= _slots.Length)
            {
                return;
            }

            var i = (int)((offset + n) % _slots.Length);
            var slot = _slots[i];
            var sent = Stopwatch.GetTimestamp();
            var first = 0L;
            var redirects = client.Redirects[slot];
            try
            {
                object[] command = ["SET", keys[i], Value];
                var reply = client.Send(client.For(slot), command);
                first = Stopwatch.GetTimestamp();
                if (client.Follow(slot, command, reply) is not "OK" and var last)
                {
                    Error(last is RespError error ? error.Message : $"{last}");
                }
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException or InvalidDataException
                && !_probes.IsStopping)
            {
                Error($"{e.GetType().Name}: {e.Message}");
            }

            var done = Stopwatch.GetTimestamp();
            samples.Add(new ProbeSample(slot, sent, Stopwatch.GetElapsedTime(sent, done).TotalMilliseconds,
                Stopwatch.GetElapsedTime(sent, first == 0 ? done : first).TotalMilliseconds, client.Redirects[slot] != redirects));
        }
    }

    private void Error(string message)
    {
        Interlocked.Increment(ref _errors);
        Interlocked.CompareExchange(ref _firstError, message, null);
    }
}
