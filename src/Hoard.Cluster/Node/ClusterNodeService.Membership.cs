using System.Globalization;
using Hoard.Cluster.Topology;

namespace Hoard.Cluster.Node;

/// <summary>How nodes enter the node table: by themselves when they take slots, or met by another (CLUSTER MEET).</summary>
public sealed partial class ClusterNodeService
{
    /// <summary>This node's row: the topology's once it joined, else the row it would join with.</summary>
    public ClusterNode Self => Topology.Nodes.TryGetValue(MyId, out var me)
        ? me
        : new ClusterNode(MyId, _settings.Host, _settings.Port, _settings.ClusterPort, Identity.ShardId, NodeRole.Primary);

    /// <summary>Whether this node is in the node table.</summary>
    public bool IsMember => Topology.Nodes.ContainsKey(MyId);

    /// <summary>
    /// What another node asks before it adds this one to the table (HOARD.IDENTITY): node id, shard id, cluster
    /// port and the consensus group's voters, space-separated.
    /// </summary>
    public string IdentityText => string.Create(CultureInfo.InvariantCulture,
        $"{MyId} {Identity.ShardId} {_settings.ClusterPort} {string.Join(',', _settings.EffectiveVoters)}");

    /// <summary>Adds this node to the node table if it is not there yet.</summary>
    /// <param name="cancellationToken">Gives up.</param>
    /// <returns>Null when this node is a member, else the error.</returns>
    public Task<string?> JoinSelfAsync(CancellationToken cancellationToken)
    {
        var self = Self;
        return IsMember
            ? Task.FromResult<string?>(null)
            : ProposeAsync(new NodeJoined(self.Id, self.Host, self.Port, self.ClusterPort, self.ShardId), cancellationToken);
    }

    /// <summary>
    /// CLUSTER MEET: adds this node and the node at <paramref name="host"/>:<paramref name="port"/> to the table. The
    /// other node must follow the same consensus group (the same voters): topology is never merged between groups.
    /// </summary>
    /// <param name="host">The other node's address, as the caller reaches it.</param>
    /// <param name="port">Its client port.</param>
    /// <param name="cancellationToken">Gives up.</param>
    /// <returns>Null on success, else the error.</returns>
    public async Task<string?> MeetAsync(string host, int port, CancellationToken cancellationToken)
    {
        if (await JoinSelfAsync(cancellationToken).ConfigureAwait(false) is { } error)
        {
            return error;
        }

        if (Topology.Nodes.Values.Any(n => n.Host == host && n.Port == port))
        {
            return null;
        }

        PeerReply reply;
        try
        {
            reply = await _peers.CallAsync(new VoterAddress(host, port, port).ClientEndPoint, ["HOARD.IDENTITY"], cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            return $"ERR could not reach {host}:{port}: {e.Message}";
        }

        var fields = reply.IsError ? [] : (reply.Text ?? "").Split(' ');
        if (fields.Length != 4 || !int.TryParse(fields[2], CultureInfo.InvariantCulture, out var clusterPort))
        {
            return $"ERR {host}:{port} is not a Hoard cluster node ({reply.Text})";
        }

        var ours = string.Join(',', _settings.EffectiveVoters);
        if (fields[3] != ours)
        {
            return $"ERR {host}:{port} belongs to another consensus group (its cluster-voters are {fields[3]}, ours {ours})";
        }

        return await ProposeAsync(new NodeJoined(fields[0], host, port, clusterPort, fields[1]), cancellationToken).ConfigureAwait(false);
    }
}
