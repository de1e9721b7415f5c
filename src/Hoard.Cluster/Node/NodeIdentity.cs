using Hoard.Cluster.Topology;

namespace Hoard.Cluster.Node;

/// <summary>
/// The ids a node keeps for life: its node id and the id of the shard it creates when it joins as a primary.
/// Stored in <c>node.id</c> in the data directory so a restarted node is the same node.
/// </summary>
/// <param name="NodeId">40 hex digits.</param>
/// <param name="ShardId">40 hex digits.</param>
public sealed record NodeIdentity(string NodeId, string ShardId)
{
    /// <summary>The file's name inside the data directory.</summary>
    public const string FileName = "node.id";

    /// <summary>Reads the identity from <paramref name="directory"/>, creating and saving a new one the first time.</summary>
    /// <param name="directory">The node's data directory (created if missing).</param>
    /// <returns>The identity.</returns>
    /// <exception cref="InvalidDataException">The file exists but does not hold two ids.</exception>
    public static NodeIdentity LoadOrCreate(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, FileName);
        if (File.Exists(path))
        {
            var lines = File.ReadAllLines(path);
            return lines.Length >= 2 && ClusterIds.IsValid(lines[0]) && ClusterIds.IsValid(lines[1])
                ? new NodeIdentity(lines[0], lines[1])
                : throw new InvalidDataException($"{path} must hold a node id and a shard id (40 hex digits each).");
        }

        var identity = new NodeIdentity(ClusterIds.New(), ClusterIds.New());
        var temporary = path + ".tmp";
        File.WriteAllLines(temporary, [identity.NodeId, identity.ShardId]);
        File.Move(temporary, path, overwrite: true);
        return identity;
    }
}
