using System.Diagnostics;

namespace Hoard.Bench.ClusterBench;

/// <summary>
/// Polls one surviving node's CLUSTER NODES every <see cref="Every"/> on its own thread: when the dead primary was
/// first shown failed, and when its replica was first shown as the shard's primary (Stopwatch timestamps, 0 until
/// seen; each late by up to one poll).
/// </summary>
internal sealed class TopologyWatch : IDisposable
{
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(5);
    private readonly RespConnection _connection;
    private readonly string _primaryId;
    private readonly string _replicaId;
    private readonly Thread _thread;
    private volatile bool _stop;

    public TopologyWatch(RespConnection survivor, string primaryId, string replicaId)
    {
        _connection = survivor;
        _primaryId = primaryId;
        _replicaId = replicaId;
        _thread = new Thread(Run) { IsBackground = true, Name = "topology-watch" };
        _thread.Start();
    }

    public long FailedSeen { get; private set; }

    public long PromotedSeen { get; private set; }

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
        _connection.Dispose();
    }

    /// <summary>Why polling stopped early (the node went away), or null.</summary>
    public string? Error { get; private set; }

    private void Run()
    {
        try
        {
            Poll();
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidDataException)
        {
            Error = e.Message;
        }
    }

    private void Poll()
    {
        while (!_stop && PromotedSeen == 0)
        {
            var nodes = NodeTable.Parse((string)_connection.Call("CLUSTER", "NODES")!);
            var now = Stopwatch.GetTimestamp();
            if (FailedSeen == 0 && nodes.ById(_primaryId).IsFailed)
            {
                FailedSeen = now;
            }

            if (nodes.ById(_replicaId).IsPrimary)
            {
                PromotedSeen = now;
            }

            Thread.Sleep(Every);
        }
    }
}
