namespace Hoard.Cli.Tests;

public class StatusTableTests
{
    private const string A = "5e1c0a9d3b7f4e2a8c6d1b0f9e3a7c5d2b8f4e6a";
    private const string B = "9b2d4f6a8c0e1a3c5e7b9d0f2a4c6e8b1d3f5a7c";
    private const string C = "c4e6a8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c2";
    private const string D = "0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e";

    [Fact]
    public void ShowsOneLinePerNodeInSlotOrderThenTheClusterAsTheNodeSeesIt()
    {
        var nodes = ClusterNodeEntry.ParseAll(
            $"{B} 127.0.0.1:7001@17001 master - 0 1718000000000 2 connected 5461-10922\n" +
            $"{D} 127.0.0.1:7003@17003 slave {C} 0 1718000000000 3 connected\n" +
            $"{C} 127.0.0.1:7002@17002 master,fail - 1718000000000 1718000000000 3 disconnected 10923-16383\n" +
            $"{A} 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-5460\n");
        var info = ClusterInfo.Parse(
            "cluster_state:ok\r\ncluster_current_epoch:3\r\ncluster_known_nodes:4\r\ncluster_consensus_role:voter\r\n" +
            "cluster_consensus:ok\r\ncluster_consensus_leader:127.0.0.1:7001\r\n");

        var expected = """
            ID        ENDPOINT        ROLE                 FLAGS   EPOCH  SLOTS  RANGES
            5e1c0a9d  127.0.0.1:7000  primary              myself  1      5461   0-5460
            9b2d4f6a  127.0.0.1:7001  primary              -       2      5462   5461-10922
            c4e6a8b0  127.0.0.1:7002  primary              fail    3      5461   10923-16383
            0d1e2f3a  127.0.0.1:7003  replica of c4e6a8b0  -       3      0      -

            cluster state     ok
            current epoch     3
            known nodes       4
            consensus leader  127.0.0.1:7001
            majority          yes
            answered by       127.0.0.1:7000 (voter)

            """;
        Assert.Equal(expected.ReplaceLineEndings(), StatusTable.Format(nodes, info));
    }

    [Fact]
    public void EachPrimaryIsFollowedByItsReplicas()
    {
        const string E = "e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3";
        const string Gone = "ffffffffffffffffffffffffffffffffffffffff";
        var nodes = ClusterNodeEntry.ParseAll(
            $"{D} 127.0.0.1:7003@17003 slave {B} 0 0 2 connected\n" +
            $"{E} 127.0.0.1:7004@17004 slave {Gone} 0 0 2 connected\n" +
            $"{C} 127.0.0.1:7002@17002 slave {A} 0 0 1 connected\n" +
            $"{B} 127.0.0.1:7001@17001 master - 0 0 2 connected 8192-16383\n" +
            $"{A} 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-8191\n");

        var rows = StatusTable.Format(nodes, ClusterInfo.Parse("")).Split('\n');

        // The replica of a primary the node does not list comes last.
        Assert.Equal(
            ["127.0.0.1:7000", "127.0.0.1:7002", "127.0.0.1:7001", "127.0.0.1:7003", "127.0.0.1:7004"],
            rows[1..6].Select(r => r.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]));
    }

    [Fact]
    public void ALoneNodeWithoutMajorityOrLeaderSaysSo()
    {
        var nodes = ClusterNodeEntry.ParseAll($"{A} 127.0.0.1:7000@17000 myself,master - 0 0 0 connected\n");
        var info = ClusterInfo.Parse("cluster_state:fail\r\ncluster_current_epoch:0\r\ncluster_known_nodes:1\r\n" +
            "cluster_consensus_role:follower\r\ncluster_consensus:no-majority\r\ncluster_consensus_leader:-\r\n");

        var text = StatusTable.Format(nodes, info);

        Assert.Contains("5e1c0a9d  127.0.0.1:7000  primary  myself  0      0      -\n", text, StringComparison.Ordinal);
        Assert.Contains("consensus leader  none\n", text, StringComparison.Ordinal);
        Assert.Contains("majority          no\n", text, StringComparison.Ordinal);
        Assert.Contains("answered by       127.0.0.1:7000 (follower)\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void WithLinksEachReplicaShowsHowItFollowsItsPrimaryAndASyncItsProgress()
    {
        const string E = "e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3";
        const string F = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff00010203";
        var nodes = ClusterNodeEntry.ParseAll(
            $"{A} 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-8191\n" +
            $"{B} 127.0.0.1:7001@17001 master - 0 0 2 connected 8192-16383\n" +
            $"{C} 127.0.0.1:7002@17002 slave {A} 0 0 1 connected\n" +
            $"{D} 127.0.0.1:7003@17003 slave {B} 0 0 2 connected\n" +
            $"{E} 127.0.0.1:7004@17004 slave {A} 0 0 1 connected\n" +
            $"{F} 127.0.0.1:7005@17005 slave {B} 0 0 2 connected\n");
        var links = new Dictionary<string, ReplicaLink>
        {
            [C] = ReplicaLink.Parse("# Replication\r\nrole:slave\r\nmaster_link_status:down\r\nmaster_sync_in_progress:1\r\n" +
                "master_sync_perc:45.00\r\nmaster_sync_keys_total:1000000\r\nmaster_sync_keys_loaded:450000\r\n"),
            [D] = ReplicaLink.Parse("role:slave\r\nmaster_link_status:up\r\nmaster_sync_in_progress:0\r\n"),
            [E] = ReplicaLink.Unreachable,
            [F] = ReplicaLink.Parse("role:slave\r\nmaster_link_status:down\r\nmaster_sync_in_progress:0\r\n"),
        };

        var expected = """
            ID        ENDPOINT        ROLE                 LINK                               FLAGS   EPOCH  SLOTS  RANGES
            5e1c0a9d  127.0.0.1:7000  primary              -                                  myself  1      8192   0-8191
            c4e6a8b0  127.0.0.1:7002  replica of 5e1c0a9d  syncing 45% (450000/1000000 keys)  -       1      0      -
            e0e1e2e3  127.0.0.1:7004  replica of 5e1c0a9d  unreachable                        -       1      0      -
            9b2d4f6a  127.0.0.1:7001  primary              -                                  -       2      8192   8192-16383
            0d1e2f3a  127.0.0.1:7003  replica of 9b2d4f6a  up                                 -       2      0      -
            f0f1f2f3  127.0.0.1:7005  replica of 9b2d4f6a  down                               -       2      0      -

            """;
        var table = StatusTable.Format(nodes, ClusterInfo.Parse(""), links);
        Assert.Equal(expected.ReplaceLineEndings(), table[..(table.IndexOf("\n\n", StringComparison.Ordinal) + 1)]);
    }

    [Fact]
    public void WithoutReplicasThereIsNoLinkColumn()
    {
        var nodes = ClusterNodeEntry.ParseAll($"{A} 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-16383\n");

        var header = StatusTable.Format(nodes, ClusterInfo.Parse(""), new Dictionary<string, ReplicaLink>()).Split('\n')[0];

        Assert.Equal("ID        ENDPOINT        ROLE     FLAGS   EPOCH  SLOTS  RANGES", header);
    }
}
