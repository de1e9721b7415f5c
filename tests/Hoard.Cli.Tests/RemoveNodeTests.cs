namespace Hoard.Cli.Tests;

public class RemoveNodeTests
{
    private const string A = "5e1c0a9d3b7f4e2a8c6d1b0f9e3a7c5d2b8f4e6a";
    private const string B = "5e1c0a9d0000000000000000000000000000000b";
    private const string C = "c4e6a8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c2";
    private static readonly NodeEndpoint Existing = new("127.0.0.1", 7000);

    private static readonly IReadOnlyList<ClusterNodeEntry> Nodes = ClusterNodeEntry.ParseAll(
        $"{A} 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-8191\n" +
        $"{B} 127.0.0.1:7001@17001 master - 0 0 2 connected 8192-16383\n" +
        $"{C} 127.0.0.1:7002@17002 master - 0 0 0 connected\n");

    [Fact]
    public void ANodeWithoutSlotsIsFoundByItsIdOrAUniquePrefix()
    {
        Assert.Equal(C, RemoveFrom(C).Id);
        Assert.Equal(C, RemoveFrom("c4e6").Id);
        Assert.Equal(C, RemoveFrom("C4E6A8B0").Id);
    }

    [Fact]
    public void ANodeThatServesSlotsIsRefused()
    {
        Assert.Equal("node " + B + " (127.0.0.1:7001) serves 8192 slots (8192-16383); move them to other nodes before removing it",
            Assert.Throws<CommandFailedException>(() => RemoveFrom(B)).Message);
    }

    [Fact]
    public void UnknownAmbiguousOrAskedNodesAreRefused()
    {
        Assert.Equal("127.0.0.1:7000 knows no node ffff", Assert.Throws<CommandFailedException>(() => RemoveFrom("ffff")).Message);
        Assert.Equal("'5e1c0a9d' is the start of 2 node ids; give more of it", Assert.Throws<CommandFailedException>(() => RemoveFrom("5e1c0a9d")).Message);
        Assert.Contains("cannot forget itself", Assert.Throws<CommandFailedException>(() => RemoveFrom(A)).Message, StringComparison.Ordinal);
    }

    private static ClusterNodeEntry RemoveFrom(string id) => ClusterRemoveNodeCommand.FindRemovable(Nodes, id, Existing);
}
