using Hoard.Server;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hoard.Cli.Tests;

public class ClusterFormationTests
{
    private static readonly NodeClient Nodes = new(password: null);

    [Fact]
    public async Task CreateSplitsTheSlotsEvenlyThenTheFirstNodeMeetsTheOthers()
    {
        await using var fakes = FakeClusterNodes.Start(3);
        var endpoints = fakes.Endpoints;

        await Formation().CreateAsync(ClusterLayout.Plan(endpoints, 0), CancellationToken.None);

        Assert.Contains("CLUSTER ADDSLOTSRANGE 0 5460", fakes.ReceivedBy(0));
        Assert.Contains("CLUSTER ADDSLOTSRANGE 5461 10922", fakes.ReceivedBy(1));
        Assert.Contains("CLUSTER ADDSLOTSRANGE 10923 16383", fakes.ReceivedBy(2));
        Assert.Equal([$"CLUSTER MEET 127.0.0.1 {endpoints[1].Port}", $"CLUSTER MEET 127.0.0.1 {endpoints[2].Port}"],
            fakes.ReceivedBy(0).Where(c => c.StartsWith("CLUSTER MEET", StringComparison.Ordinal)));
        var table = StatusTable.Format(
            await Nodes.ClusterNodesAsync(endpoints[1], CancellationToken.None), await Nodes.ClusterInfoAsync(endpoints[1], CancellationToken.None));
        Assert.Contains($"{endpoints[2]}  primary  -       1      5461   10923-16383", table, StringComparison.Ordinal);
        Assert.Contains("cluster state     ok", table, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithReplicasThePrimariesTakeTheSlotsAndTheOthersReplicateThemOnceMet()
    {
        await using var fakes = FakeClusterNodes.Start(6);
        var endpoints = fakes.Endpoints;

        await Formation().CreateAsync(ClusterLayout.Plan(endpoints, 1), CancellationToken.None);

        Assert.Contains("CLUSTER ADDSLOTSRANGE 0 5460", fakes.ReceivedBy(0));
        Assert.Contains("CLUSTER ADDSLOTSRANGE 10923 16383", fakes.ReceivedBy(2));
        Assert.Equal([.. endpoints.Skip(1).Select(e => $"CLUSTER MEET 127.0.0.1 {e.Port}")],
            fakes.ReceivedBy(0).Where(c => c.StartsWith("CLUSTER MEET", StringComparison.Ordinal)));
        for (var replica = 3; replica < 6; replica++)
        {
            Assert.DoesNotContain(fakes.ReceivedBy(replica), c => c.StartsWith("CLUSTER ADDSLOTS", StringComparison.Ordinal));
            var met = fakes.Received.IndexOf($"{endpoints[0].Port} CLUSTER MEET 127.0.0.1 {endpoints[replica].Port}");
            var replicated = fakes.Received.IndexOf($"{endpoints[replica].Port} CLUSTER REPLICATE {fakes.IdOf(replica - 3)}");
            Assert.InRange(met, 0, replicated);
        }

        var table = StatusTable.Format(
            await Nodes.ClusterNodesAsync(endpoints[4], CancellationToken.None), await Nodes.ClusterInfoAsync(endpoints[4], CancellationToken.None));
        var rows = table.Split('\n');
        var primary1 = Array.FindIndex(rows, r => r.Contains($"{endpoints[1]}  primary", StringComparison.Ordinal));
        Assert.Contains($"{endpoints[4]}  replica of {fakes.IdOf(1)[..8]}  myself", rows[primary1 + 1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateTouchesNoNodeWhenOneHoldsKeys()
    {
        await using var fakes = FakeClusterNodes.Start(2);
        fakes.SetKeys(1, 5);

        var error = await Assert.ThrowsAsync<CommandFailedException>(() => Formation().CreateAsync(ClusterLayout.Plan(fakes.Endpoints, 0), CancellationToken.None));

        Assert.Equal($"{fakes.Endpoints[1]} is not empty: it holds 5 keys (a new cluster node must hold none; FLUSHALL it first)", error.Message);
        Assert.DoesNotContain(fakes.Received, c => c.Contains("ADDSLOTSRANGE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CreateRefusesNodesThatAlreadyFormACluster()
    {
        await using var fakes = FakeClusterNodes.Start(2);
        await Formation().CreateAsync(ClusterLayout.Plan(fakes.Endpoints, 0), CancellationToken.None);

        var error = await Assert.ThrowsAsync<CommandFailedException>(() => Formation().CreateAsync(ClusterLayout.Plan(fakes.Endpoints, 0), CancellationToken.None));

        Assert.StartsWith($"{fakes.Endpoints[0]} is not empty: it knows 2 nodes and serves 16384 slots", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddNodeHasTheExistingNodeMeetTheNewOne()
    {
        await using var fakes = FakeClusterNodes.Start(3);
        await Formation().CreateAsync(ClusterLayout.Plan([.. fakes.Endpoints.Take(2)], 0), CancellationToken.None);

        Assert.Equal(0, await ClusterAddNodeCommand.RunAsync([fakes.Endpoints[2].ToString(), fakes.Endpoints[1].ToString()]));

        Assert.Contains($"CLUSTER MEET 127.0.0.1 {fakes.Endpoints[2].Port}", fakes.ReceivedBy(1));
        Assert.Equal(3, (await Nodes.ClusterInfoAsync(fakes.Endpoints[0], CancellationToken.None)).KnownNodes);
    }

    [Fact]
    public async Task RemoveNodeForgetsItThenResetsIt()
    {
        await using var fakes = FakeClusterNodes.Start(3);
        await Formation().CreateAsync(ClusterLayout.Plan([.. fakes.Endpoints.Take(2)], 0), CancellationToken.None);
        await ClusterAddNodeCommand.RunAsync([fakes.Endpoints[2].ToString(), fakes.Endpoints[0].ToString()]);

        Assert.Equal(0, await ClusterRemoveNodeCommand.RunAsync([fakes.Endpoints[0].ToString(), fakes.IdOf(2)[..10]]));

        Assert.Contains($"CLUSTER FORGET {fakes.IdOf(2)}", fakes.ReceivedBy(0));
        Assert.Contains("CLUSTER RESET", fakes.ReceivedBy(2));
        Assert.Equal(2, (await Nodes.ClusterInfoAsync(fakes.Endpoints[0], CancellationToken.None)).KnownNodes);
    }

    [Fact]
    public async Task ANodeNotInClusterModeIsRefused()
    {
        await using var node = new HoardServer(new ServerOptions { Port = 0 });
        await node.StartAsync();
        var endpoint = new NodeEndpoint("127.0.0.1", node.EndPoints[0].Port);

        var error = await Assert.ThrowsAsync<CommandFailedException>(() => Formation().CreateAsync(ClusterLayout.Plan([endpoint], 0), CancellationToken.None));

        Assert.Equal($"{endpoint} is not in cluster mode (start it with --cluster-enabled yes)", error.Message);
    }

    [Fact]
    public async Task ANodeThatDoesNotAnswerIsNamed()
    {
        var fakes = FakeClusterNodes.Start(1);
        var gone = fakes.Endpoints[0];
        await fakes.DisposeAsync();

        var error = await Assert.ThrowsAsync<CommandFailedException>(() => Formation().CreateAsync(ClusterLayout.Plan([gone], 0), CancellationToken.None));

        Assert.StartsWith($"{gone} did not answer (", error.Message, StringComparison.Ordinal);
    }

    private static ClusterFormation Formation() => new(Nodes, NullLogger.Instance);
}
