namespace Hoard.Cli.Tests;

public class ReplicaLinkTests
{
    [Theory]
    [InlineData("master_link_status:down\r\nmaster_sync_in_progress:1\r\nmaster_sync_keys_total:1000000\r\nmaster_sync_keys_loaded:450000\r\n",
        "syncing 45% (450000/1000000 keys)")]
    [InlineData("master_link_status:down\r\nmaster_sync_in_progress:1\r\nmaster_sync_keys_total:3\r\nmaster_sync_keys_loaded:2\r\n", "syncing 66% (2/3 keys)")]
    [InlineData("master_sync_in_progress:1\r\nmaster_sync_keys_total:0\r\nmaster_sync_keys_loaded:0\r\n", "syncing (0 keys loaded)")]
    [InlineData("master_sync_in_progress:1\r\nmaster_sync_keys_total:-1\r\nmaster_sync_keys_loaded:17\r\n", "syncing (17 keys loaded)")]
    [InlineData("master_sync_in_progress:1\r\n", "syncing")]
    [InlineData("role:slave\r\nmaster_link_status:up\r\nmaster_sync_in_progress:0\r\n", "up")]
    [InlineData("role:slave\r\nmaster_link_status:down\r\nmaster_sync_in_progress:0\r\n", "down")]
    [InlineData("role:master\r\nconnected_slaves:0\r\n", "-")]
    public void InfoReplicationReadsAsTheLinksState(string info, string shown)
    {
        Assert.Equal(shown, ReplicaLink.Parse(info).ToString());
    }

    [Fact]
    public void AReplicaThatDidNotAnswerIsUnreachable()
    {
        Assert.Equal("unreachable", ReplicaLink.Unreachable.ToString());
    }
}
