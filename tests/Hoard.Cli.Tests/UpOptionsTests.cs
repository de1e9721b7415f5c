namespace Hoard.Cli.Tests;

public class UpOptionsTests
{
    [Fact]
    public void DefaultsAreThreeShardsFromPort7000InTheTempDirectory()
    {
        var options = UpOptions.Parse([]);
        Assert.Equal(3, options.Shards);
        Assert.Equal(0, options.Replicas);
        Assert.Equal([7000, 7001, 7002], options.Ports);
        Assert.Equal(Path.Combine(Path.GetTempPath(), "hoard-up-7000"), options.Directory);
        Assert.Empty(options.NodeSettings);
        Assert.Null(options.Password);
    }

    [Theory]
    [InlineData(1, "127.0.0.1:7000@17000")]
    [InlineData(2, "127.0.0.1:7000@17000")]
    [InlineData(3, "127.0.0.1:7000@17000,127.0.0.1:7001@17001,127.0.0.1:7002@17002")]
    [InlineData(5, "127.0.0.1:7000@17000,127.0.0.1:7001@17001,127.0.0.1:7002@17002")]
    public void VotersAreTheFirstThreeNodesOrTheFirstAloneBelowThree(int shards, string voters)
    {
        Assert.Equal(voters, UpOptions.Parse(["--shards", shards.ToString(System.Globalization.CultureInfo.InvariantCulture)]).Voters);
    }

    [Fact]
    public void ReplicasMultiplyTheNodesAndTheFirstThreeStillVote()
    {
        var options = UpOptions.Parse(["--shards", "3", "--replicas", "1"]);
        Assert.Equal(6, options.NodeCount);
        Assert.Equal([7000, 7001, 7002, 7003, 7004, 7005], options.Ports);
        Assert.Equal("127.0.0.1:7000@17000,127.0.0.1:7001@17001,127.0.0.1:7002@17002", options.Voters);
        Assert.Equal("127.0.0.1:7000@17000,127.0.0.1:7001@17001,127.0.0.1:7002@17002", UpOptions.Parse(["--shards", "1", "--replicas", "2"]).Voters);
        Assert.Empty(options.NodeSettings);
    }

    [Fact]
    public void EveryNodeGetsItsPortsDirectoryTheVotersAndTheOtherFlags()
    {
        var options = UpOptions.Parse(["--shards", "2", "--port", "9000", "--dir", "/tmp/hc", "--maxmemory", "100mb", "--requirepass", "s"]);
        Assert.Equal("s", options.Password);
        Assert.Equal("/tmp/hc/node-9001.log", options.LogPath(9001));
        Assert.Equal(
            ["serve", "--port", "9001", "--cluster-enabled", "yes", "--cluster-port", "19001", "--cluster-voters", "127.0.0.1:9000@19000",
             "--dir", "/tmp/hc/node-9001", "--maxmemory", "100mb", "--requirepass", "s"],
            options.ServeArguments(9001));
    }

    [Fact]
    public void ARelativeDirectoryIsMadeAbsolute()
    {
        Assert.Equal(Path.Combine(Environment.CurrentDirectory, "cluster"), UpOptions.Parse(["--dir", "cluster"]).Directory);
    }

    [Theory]
    [InlineData("--shards", "0", "--shards needs a number of primaries from 1 to 100, not '0'")]
    [InlineData("--shards", "101", "--shards needs a number of primaries from 1 to 100, not '101'")]
    [InlineData("--shards", "three", "--shards needs a number of primaries from 1 to 100, not 'three'")]
    [InlineData("--replicas", "-1", "--replicas needs a number of replicas per primary from 0 to 99, not '-1'")]
    [InlineData("--replicas", "34", "--shards 3 with --replicas 34 makes 105 nodes; hoard up starts at most 100")]
    [InlineData("--port", "0", "--port needs a port number, not '0'")]
    [InlineData("--port", "70000", "--port needs a port number, not '70000'")]
    [InlineData("--port", "55535", "--port 55535 with 3 nodes needs cluster ports up to 65537 (client port + 10000); choose a --port of at most 55533")]
    [InlineData("--cluster-voters", "h:1", "--cluster-voters is set by hoard up for each node; leave it out")]
    [InlineData("--cluster-enabled", "no", "--cluster-enabled is set by hoard up for each node; leave it out")]
    public void BadFlagsGetAClearError(string flag, string value, string message)
    {
        Assert.Equal(message, Assert.Throws<ConfigurationException>(() => UpOptions.Parse([flag, value])).Message);
    }

    [Fact]
    public void TheLastPortThatFitsIsAccepted()
    {
        Assert.Equal([55533, 55534, 55535], UpOptions.Parse(["--port", "55533"]).Ports);
        Assert.Equal("unexpected argument 'fast'", Assert.Throws<ConfigurationException>(() => UpOptions.Parse(["fast"])).Message);
    }

    [Fact]
    public void AddNodeTakesThePortDirectoryWeightAndNodeSettings()
    {
        var options = UpOptions.Parse(["--add-node", "--port", "9000", "--weight", "0.5", "--maxmemory", "100mb"]);
        Assert.True(options.AddNode);
        Assert.Equal(9000, options.Port);
        Assert.Equal(0.5, options.Weight);
        Assert.Equal(UpOptions.DefaultDirectory(9000), options.Directory);
        Assert.Equal(
            ["serve", "--port", "9005", "--cluster-enabled", "yes", "--cluster-port", "19005", "--cluster-voters", "127.0.0.1:9000@19000",
             "--dir", Path.Combine(options.Directory, "node-9005"), "--maxmemory", "100mb"],
            options.ServeArguments(9005, "127.0.0.1:9000@19000"));
        Assert.False(UpOptions.Parse([]).AddNode);
        Assert.Equal(1, UpOptions.Parse(["--port", "9000", "--add-node"]).Weight);
    }

    [Theory]
    [InlineData("--add-node --shards 4", "--add-node adds one primary to the running cluster; --shards and --replicas describe a new cluster, leave them out")]
    [InlineData("--add-node --replicas 1", "--add-node adds one primary to the running cluster; --shards and --replicas describe a new cluster, leave them out")]
    [InlineData("--add-node --weight 0", "--weight needs the new node's share of the slots, a number above 0, not '0'")]
    [InlineData("--add-node --weight lots", "--weight needs the new node's share of the slots, a number above 0, not 'lots'")]
    [InlineData("--weight 2", "--weight is the share of the slots of a node added with --add-node")]
    public void AddNodeFlagsThatDoNotFitGetAClearError(string args, string message)
    {
        Assert.Equal(message, Assert.Throws<ConfigurationException>(() => UpOptions.Parse(args.Split(' '))).Message);
    }
}
