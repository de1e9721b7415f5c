namespace Hoard.Cli.Tests;

public class ClusterArgumentsTests
{
    [Fact]
    public void SeparatesWordsFromPasswordAndReplicas()
    {
        var parsed = ClusterArguments.Parse(["127.0.0.1:7000", "-a", "secret", "127.0.0.1:7001", "--replicas", "1"], takesReplicas: true);
        Assert.Equal(["127.0.0.1:7000", "127.0.0.1:7001"], parsed.Positional);
        Assert.Equal("secret", parsed.Password);
        Assert.Equal(1, parsed.Replicas);
        Assert.Null(ClusterArguments.Parse(["h:1"], takesReplicas: false).Password);
        Assert.Equal(0, ClusterArguments.Parse(["h:1"], takesReplicas: true).Replicas);
    }

    [Fact]
    public void ReplicasMustBeANumberAndOnlyCreateTakesThem()
    {
        Assert.Equal("--replicas needs a number, not 'two'",
            Assert.Throws<ConfigurationException>(() => ClusterArguments.Parse(["--replicas", "two"], takesReplicas: true)).Message);
        Assert.Equal("--replicas needs a number, not '-1'",
            Assert.Throws<ConfigurationException>(() => ClusterArguments.Parse(["--replicas", "-1"], takesReplicas: true)).Message);
        Assert.Equal("unknown option '--replicas'",
            Assert.Throws<ConfigurationException>(() => ClusterArguments.Parse(["h:1", "--replicas", "0"], takesReplicas: false)).Message);
    }

    [Fact]
    public void A_subcommand_takes_its_own_options_and_repeats_add_up()
    {
        var parsed = ClusterArguments.Parse(["h:1", "--weight", "a=2", "--from", "x", "--weight", "b=0"], takesReplicas: false, "--weight", "--from");
        Assert.Equal(["a=2", "b=0"], parsed.Options["--weight"]);
        Assert.Equal("x", parsed.Single("--from"));
        Assert.Null(parsed.Single("--to"));
        Assert.Equal("--weight is given 2 times", Assert.Throws<ConfigurationException>(() => parsed.Single("--weight")).Message);
        Assert.Equal("unknown option '--from'",
            Assert.Throws<ConfigurationException>(() => ClusterArguments.Parse(["h:1", "--from", "x"], takesReplicas: false, "--weight")).Message);
        Assert.Equal("--to needs a value", Assert.Throws<ConfigurationException>(() => ClusterArguments.Parse(["h:1", "--to"], takesReplicas: false, "--to")).Message);
    }

    [Fact]
    public void MalformedOptionsGetAClearError()
    {
        Assert.Equal("-a needs a value", Assert.Throws<ConfigurationException>(() => ClusterArguments.Parse(["h:1", "-a"], takesReplicas: false)).Message);
        Assert.Equal("unknown option '--verbose'",
            Assert.Throws<ConfigurationException>(() => ClusterArguments.Parse(["--verbose"], takesReplicas: false)).Message);
    }

    [Fact]
    public void EndpointsMustBeHostPortAndDistinct()
    {
        Assert.Equal([new NodeEndpoint("a", 1), new NodeEndpoint("b", 1)], ClusterArguments.Endpoints(["a:1", "b:1"]));
        Assert.Equal("a:1 is given twice", Assert.Throws<ConfigurationException>(() => ClusterArguments.Endpoints(["a:1", "b:1", "a:1"])).Message);
        Assert.Equal("'a' is not host:port", Assert.Throws<ConfigurationException>(() => ClusterArguments.Endpoints(["a"])).Message);
    }

    [Fact]
    public async Task UnknownSubcommandsAreNamed()
    {
        Assert.Equal("unknown cluster subcommand 'grow' (create, status, add-node, remove-node, reshard, rebalance)",
            (await Assert.ThrowsAsync<ConfigurationException>(() => ClusterCommand.RunAsync(["grow"]))).Message);
        Assert.Equal("cluster needs a subcommand: create, status, add-node, remove-node, reshard or rebalance",
            (await Assert.ThrowsAsync<ConfigurationException>(() => ClusterCommand.RunAsync([]))).Message);
    }
}
