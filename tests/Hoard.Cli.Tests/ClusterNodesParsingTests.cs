using Hoard.Cluster.Topology;

namespace Hoard.Cli.Tests;

public class ClusterNodesParsingTests
{
    private const string Primary = "5e1c0a9d3b7f4e2a8c6d1b0f9e3a7c5d2b8f4e6a";
    private const string Other = "9b2d4f6a8c0e1a3c5e7b9d0f2a4c6e8b1d3f5a7c";

    [Fact]
    public void ReadsEveryFieldOfAPrimaryLine()
    {
        var node = ClusterNodeEntry.Parse($"{Primary} 127.0.0.1:7000@17000,node-a myself,master - 0 1718000000000 3 connected 0-100 200 300-5460");
        Assert.Equal(Primary, node.Id);
        Assert.Equal("127.0.0.1:7000", node.Address);
        Assert.Equal(["myself", "master"], node.Flags);
        Assert.Null(node.PrimaryId);
        Assert.Equal(3, node.ConfigEpoch);
        Assert.Equal("connected", node.LinkState);
        Assert.Equal([new SlotRange(0, 100), new SlotRange(200, 200), new SlotRange(300, 5460)], node.Slots);
        Assert.Equal(101 + 1 + 5161, node.SlotCount);
        Assert.True(node.IsMyself);
        Assert.False(node.IsReplica);
    }

    [Fact]
    public void ReadsReplicasNodesWithoutAddressAndMigrationMarkers()
    {
        var nodes = ClusterNodeEntry.ParseAll(
            $"{Other} 10.0.0.2:7001@17001 slave {Primary} 0 1718000000000 3 disconnected\r\n" +
            $"{Primary} :0@0 master,noaddr - 1718000000000 1718000000000 4 disconnected 93 [93->-{Other}] [94-<-{Other}]\r\n");
        Assert.Equal(2, nodes.Count);
        Assert.True(nodes[0].IsReplica);
        Assert.Equal(Primary, nodes[0].PrimaryId);
        Assert.Empty(nodes[0].Slots);
        Assert.Equal(":0", nodes[1].Address);
        Assert.Equal([new SlotRange(93, 93)], nodes[1].Slots);
    }

    [Theory]
    [InlineData("abc 127.0.0.1:7000@17000 master - 0 0")]
    [InlineData("abc 127.0.0.1:7000@17000 master - 0 0 x connected")]
    [InlineData("abc 127.0.0.1:7000@17000 master - 0 0 1 connected 5-2")]
    [InlineData("abc 127.0.0.1:7000@17000 master - 0 0 1 connected 16384")]
    [InlineData("abc 127.0.0.1:7000@17000 master - 0 0 1 connected a-b")]
    public void RefusesLinesNotInRedisFormat(string line)
    {
        Assert.Throws<FormatException>(() => ClusterNodeEntry.Parse(line));
    }

    [Fact]
    public void ReadsClusterInfoWithHoardsConsensusLines()
    {
        var info = ClusterInfo.Parse(
            "cluster_enabled:1\r\ncluster_state:ok\r\ncluster_slots_assigned:16384\r\ncluster_known_nodes:3\r\ncluster_size:3\r\n" +
            "cluster_current_epoch:7\r\ncluster_my_epoch:2\r\ncluster_consensus_role:voter\r\ncluster_consensus:ok\r\n" +
            "cluster_consensus_leader:127.0.0.1:7001\r\ncluster_redirected_commands:42\r\n");
        Assert.Equal(new ClusterInfo("ok", 16384, 7, 3, "voter", "ok", "127.0.0.1:7001", 42), info);
        Assert.True(info.HasMajority);
        Assert.False(ClusterInfo.Parse("cluster_consensus:no-majority").HasMajority);
    }

    [Fact]
    public void FieldsMissingFromClusterInfoAreNull()
    {
        var info = ClusterInfo.Parse("cluster_state:fail\r\ncluster_known_nodes:many\r\n");
        Assert.Equal(new ClusterInfo("fail", null, null, null, null, null, null), info);
        Assert.Null(info.HasMajority);
    }

    [Fact]
    public void InfoFieldsSkipSectionHeaders()
    {
        Assert.Equal(new Dictionary<string, string> { ["cluster_enabled"] = "1" }, ClusterInfo.Fields("# Cluster\r\ncluster_enabled:1\r\n\r\n"));
    }
}
