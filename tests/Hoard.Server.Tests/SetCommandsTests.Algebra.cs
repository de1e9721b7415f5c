using Hoard.Server.Tests.Support;

namespace Hoard.Server.Tests;

/// <summary>SINTER, SUNION, SDIFF, their STORE forms and SINTERCARD.</summary>
public partial class SetCommandsTests
{
    [Fact]
    public async Task SInterSUnionAndSDiffCombineSetsAndTreatMissingKeysAsEmpty()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("SADD", "a", "1", "2", "3", "x");
        await client.CallAsync("SADD", "b", "2", "3", "4", "x");
        await client.CallAsync("SADD", "c", "3", "x", "y");
        Assert.Equal(new[] { "3", "x" }, Sorted(await client.CallAsync("SINTER", "a", "b", "c")));
        Assert.Equal(new[] { "1", "2", "3", "4", "x", "y" }, Sorted(await client.CallAsync("SUNION", "a", "b", "c")));
        Assert.Equal(new[] { "1" }, Sorted(await client.CallAsync("SDIFF", "a", "b", "c")));
        Assert.Equal(new[] { "1", "2", "3", "x" }, Sorted(await client.CallAsync("SDIFF", "a", "nokey")));
        Assert.Equal(new[] { "1", "2", "3", "x" }, Sorted(await client.CallAsync("SINTER", "a")));
        Assert.Empty(Sorted(await client.CallAsync("SINTER", "a", "nokey")));
        Assert.Empty(Sorted(await client.CallAsync("SDIFF", "nokey", "a")));
        Assert.Equal(new[] { "1", "2", "3", "x" }, Sorted(await client.CallAsync("SUNION", "nokey", "a")));
        Assert.Equal("ERR wrong number of arguments for 'sinter' command", Error(await client.CallAsync("SINTER")));
    }

    [Fact]
    public async Task StoreFormsReplaceTheDestinationAndDeleteItWhenEmpty()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("SADD", "a", "1", "2", "3");
        await client.CallAsync("SADD", "b", "2", "3", "4");
        await client.CallAsync("SET", "dest", "a string", "EX", "100");
        Assert.Equal(2L, await client.CallAsync("SINTERSTORE", "dest", "a", "b"));
        Assert.Equal("set", await client.CallAsync("TYPE", "dest"));
        Assert.Equal(-1L, await client.CallAsync("TTL", "dest"));
        Assert.Equal(new[] { "2", "3" }, Sorted(await client.CallAsync("SMEMBERS", "dest")));
        Assert.Equal("intset", await client.CallAsync("OBJECT", "ENCODING", "dest"));
        Assert.Equal(4L, await client.CallAsync("SUNIONSTORE", "dest", "a", "b"));
        Assert.Equal(1L, await client.CallAsync("SDIFFSTORE", "dest", "a", "b"));
        Assert.Equal(new[] { "1" }, Sorted(await client.CallAsync("SMEMBERS", "dest")));
        Assert.Equal(0L, await client.CallAsync("SINTERSTORE", "dest", "a", "nokey"));
        Assert.Equal(0L, await client.CallAsync("EXISTS", "dest"));
        Assert.Equal(3L, await client.CallAsync("SUNIONSTORE", "a", "a", "nokey")); // the destination may be a source
        Assert.Equal(1L, await client.CallAsync("SDIFFSTORE", "a", "a", "b", "x"));
        Assert.Equal(new[] { "1" }, Sorted(await client.CallAsync("SMEMBERS", "a")));
        Assert.Equal("ERR wrong number of arguments for 'sinterstore' command", Error(await client.CallAsync("SINTERSTORE", "d")));
    }

    [Fact]
    public async Task SInterCardCountsUpToItsLimitAndChecksItsArguments()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("SADD", "a", "1", "2", "3", "4");
        await client.CallAsync("SADD", "b", "2", "3", "4", "5");
        Assert.Equal(3L, await client.CallAsync("SINTERCARD", "2", "a", "b"));
        Assert.Equal(2L, await client.CallAsync("SINTERCARD", "2", "a", "b", "LIMIT", "2"));
        Assert.Equal(3L, await client.CallAsync("SINTERCARD", "2", "a", "b", "limit", "0"));
        Assert.Equal(4L, await client.CallAsync("SINTERCARD", "1", "a"));
        Assert.Equal(0L, await client.CallAsync("SINTERCARD", "2", "a", "nokey"));
        Assert.Equal("ERR numkeys should be greater than 0", Error(await client.CallAsync("SINTERCARD", "0", "a")));
        Assert.Equal("ERR numkeys should be greater than 0", Error(await client.CallAsync("SINTERCARD", "x", "a")));
        Assert.Equal("ERR Number of keys can't be greater than number of args", Error(await client.CallAsync("SINTERCARD", "3", "a", "b")));
        Assert.Equal("ERR LIMIT can't be negative", Error(await client.CallAsync("SINTERCARD", "1", "a", "LIMIT", "-1")));
        Assert.Equal("ERR LIMIT can't be negative", Error(await client.CallAsync("SINTERCARD", "1", "a", "LIMIT", "x")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("SINTERCARD", "1", "a", "LIMIT")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("SINTERCARD", "1", "a", "b")));
        Assert.Equal(new object?[] { "a", "b" }, await client.CallAsync("COMMAND", "GETKEYS", "SINTERCARD", "2", "a", "b", "LIMIT", "1"));
    }
}
