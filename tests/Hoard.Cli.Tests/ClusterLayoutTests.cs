using Hoard.Cluster.Topology;

namespace Hoard.Cli.Tests;

public class ClusterLayoutTests
{
    private static List<NodeEndpoint> Local(int count) => [.. Enumerable.Range(7000, count).Select(p => new NodeEndpoint("127.0.0.1", p))];

    [Fact]
    public void WithoutReplicasEveryNodeIsAPrimaryWithAnEvenShare()
    {
        var layout = ClusterLayout.Plan(Local(3), replicas: 0);

        Assert.Equal(Local(3), layout.Primaries.Select(p => p.Node));
        Assert.Equal(SlotRange.SplitEvenly(3), layout.Primaries.Select(p => p.Slots));
        Assert.Empty(layout.Replicas);
    }

    [Fact]
    public void OnOneHostTheFirstNodesArePrimariesAndTheOthersReplicateThemInTurn()
    {
        var nodes = Local(6);

        var layout = ClusterLayout.Plan(nodes, replicas: 1);

        Assert.Equal(nodes[..3], layout.Primaries.Select(p => p.Node));
        Assert.Equal(SlotRange.SplitEvenly(3), layout.Primaries.Select(p => p.Slots));
        Assert.Equal([(nodes[3], nodes[0]), (nodes[4], nodes[1]), (nodes[5], nodes[2])], layout.Replicas);
        Assert.Equal(nodes, layout.Nodes);
    }

    [Fact]
    public void PrimariesSpreadOverHostsAndEachReplicaIsOnAnotherHostThanItsPrimary()
    {
        NodeEndpoint[] nodes = [new("a", 1), new("a", 2), new("a", 3), new("b", 1), new("b", 2), new("b", 3)];

        var layout = ClusterLayout.Plan(nodes, replicas: 1);

        Assert.Equal([new("a", 1), new("b", 1), new("a", 2)], layout.Primaries.Select(p => p.Node));
        Assert.Equal(3, layout.Replicas.Select(r => r.Primary).Distinct().Count());
        Assert.All(layout.Replicas, r => Assert.NotEqual(r.Primary.Host, r.Node.Host));
    }

    [Fact]
    public void NodesBeyondAnEvenSplitBecomeExtraReplicasFromTheFirstPrimary()
    {
        var nodes = Local(8);

        var layout = ClusterLayout.Plan(nodes, replicas: 1);

        Assert.Equal(4, layout.Primaries.Count);
        Assert.Equal([nodes[0], nodes[1], nodes[2], nodes[3]], layout.Replicas.Select(r => r.Primary));
        Assert.Equal(2, ClusterLayout.Plan(Local(7), replicas: 1).Replicas.Count(r => r.Primary == nodes[0]));
    }

    [Fact]
    public void TooFewNodesForOnePrimaryAndItsReplicasAreRefused()
    {
        Assert.Equal("--replicas 2 needs at least 3 nodes (a primary and its replicas), not 2",
            Assert.Throws<ConfigurationException>(() => ClusterLayout.Plan(Local(2), replicas: 2)).Message);
    }
}
