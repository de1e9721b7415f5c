using System.Net;

namespace Hoard.Server.Replication;

/// <summary>A replica as its primary sees it: where it listens, how far it acknowledged the stream.</summary>
public sealed class ReplicaInfo
{
    private long _ackedOffset;
    private long _lastAckTicks = Environment.TickCount64;

    /// <summary>Creates the entry of a replica connected from <paramref name="address"/>.</summary>
    /// <param name="sessionId">The replica's connection id.</param>
    /// <param name="address">Its IP address.</param>
    /// <param name="listeningPort">The port it serves clients on (REPLCONF listening-port).</param>
    public ReplicaInfo(long sessionId, IPAddress? address, int listeningPort)
    {
        SessionId = sessionId;
        Address = address?.ToString() ?? "?";
        ListeningPort = listeningPort;
    }

    /// <summary>The replica's connection id.</summary>
    public long SessionId { get; }

    /// <summary>Its IP address.</summary>
    public string Address { get; }

    /// <summary>Its client port.</summary>
    public int ListeningPort { get; }

    /// <summary>Whether the full sync is done and the stream flows (INFO's <c>online</c>), else <c>wait_bgsave</c>.</summary>
    public bool Online { get; set; }

    /// <summary>The offset up to which the replica applied the stream, by its last REPLCONF ACK.</summary>
    public long AckedOffset => Interlocked.Read(ref _ackedOffset);

    /// <summary>Seconds since the last ACK (INFO's <c>lag</c>).</summary>
    public long LagSeconds => (Environment.TickCount64 - Interlocked.Read(ref _lastAckTicks)) / 1000;

    /// <summary>Records an acknowledgement.</summary>
    /// <param name="offset">The offset the replica applied up to.</param>
    public void Acknowledge(long offset)
    {
        long current;
        do
        {
            current = Interlocked.Read(ref _ackedOffset);
        }
        while (offset > current && Interlocked.CompareExchange(ref _ackedOffset, offset, current) != current);

        Interlocked.Exchange(ref _lastAckTicks, Environment.TickCount64);
    }
}
