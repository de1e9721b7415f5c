using Hoard.Cluster.Consensus;
using Hoard.Server.Tests.Support;

namespace Hoard.Server.Tests.Cluster;

/// <summary>An in-process node in cluster mode, its consensus group a one-member in-memory log.</summary>
public sealed class ClusterTestNode : IAsyncDisposable
{
    private readonly string _directory;

    private ClusterTestNode(TestNode node, InMemoryConsensusLog consensus, string directory)
    {
        Node = node;
        Consensus = consensus;
        _directory = directory;
    }

    public TestNode Node { get; }

    /// <summary>The node's consensus log: <see cref="InMemoryConsensusLog.SetLeader"/> simulates a lost majority.</summary>
    public InMemoryConsensusLog Consensus { get; }

    public HoardServer Server => Node.Server;

    public static async Task<ClusterTestNode> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("hoard-cluster-test-").FullName;
        InMemoryConsensusLog? consensus = null;
        var node = await TestNode.StartAsync(o =>
        {
            o.Cluster.Enabled = true;
            o.Cluster.Directory = directory;
            o.Cluster.ConsensusFactory = (_, state) => consensus = new InMemoryConsensusLog(state);
        });
        return new ClusterTestNode(node, consensus!, directory);
    }

    public Task<RespClient> ConnectAsync() => Node.ConnectAsync();

    public async ValueTask DisposeAsync()
    {
        await Node.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
