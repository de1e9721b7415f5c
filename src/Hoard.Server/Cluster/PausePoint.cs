using System.Globalization;

namespace Hoard.Server.Cluster;

/// <summary>
/// Where a primary stopped its writes for a manual failover (the answer to HOARD.PAUSEWRITES): its replication id
/// and stream offset — every write it acknowledged is before that offset — and the shard epoch it paused on, which
/// the replica's <c>FailoverDecided</c> must name. On the wire: <c>replication-id offset epoch</c>.
/// </summary>
/// <param name="ReplicationId">The primary's replication id.</param>
/// <param name="Offset">Its stream offset once the writes under way had finished.</param>
/// <param name="Epoch">Its shard's epoch when the pause began.</param>
internal readonly record struct PausePoint(string ReplicationId, long Offset, long Epoch)
{
    /// <summary>The wire form.</summary>
    /// <returns><c>replication-id offset epoch</c>.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{ReplicationId} {Offset} {Epoch}");

    /// <summary>Reads the wire form.</summary>
    /// <param name="text">The primary's answer.</param>
    /// <param name="point">The point, when the answer is one.</param>
    /// <returns>Whether it was.</returns>
    public static bool TryParse(string? text, out PausePoint point)
    {
        var fields = (text ?? "").Split(' ');
        point = default;
        if (fields.Length != 3
            || !long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
            || !long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var epoch))
        {
            return false;
        }

        point = new PausePoint(fields[0], offset, epoch);
        return true;
    }
}
