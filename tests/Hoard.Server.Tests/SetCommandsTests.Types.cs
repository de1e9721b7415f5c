using System.Text;
using Hoard.Server.Commands.Keys;
using Hoard.Server.Tests.Support;
using Hoard.Storage.Replication;

namespace Hoard.Server.Tests;

/// <summary>Sets under the commands every type answers: TYPE, OBJECT ENCODING, MEMORY USAGE, SCAN TYPE, DUMP/RESTORE, CONFIG.</summary>
public partial class SetCommandsTests
{
    [Fact]
    public async Task EncodingsGrowFromIntsetToListpackToHashtableAsRedis72s()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("SADD", "s", "1", "-2", "300000", "9223372036854775807");
        Assert.Equal("set", await client.CallAsync("TYPE", "s"));
        Assert.Equal("intset", await client.CallAsync("OBJECT", "ENCODING", "s"));
        Assert.Equal(new object?[] { "-2", "1", "300000", "9223372036854775807" }, await client.CallAsync("SMEMBERS", "s"));
        await client.CallAsync("SADD", "s", "007");
        Assert.Equal("listpack", await client.CallAsync("OBJECT", "ENCODING", "s"));
        Assert.Equal(1L, await client.CallAsync("SISMEMBER", "s", "300000"));
        await client.CallAsync("SREM", "s", "007");
        Assert.Equal("listpack", await client.CallAsync("OBJECT", "ENCODING", "s")); // never back down
        await client.CallAsync(["SADD", "s", .. Enumerable.Range(0, 130).Select(i => $"m{i}")]);
        Assert.Equal("hashtable", await client.CallAsync("OBJECT", "ENCODING", "s"));
        Assert.Equal(134L, await client.CallAsync("SCARD", "s"));

        await client.CallAsync("SADD", "plus", "+1");
        Assert.Equal("listpack", await client.CallAsync("OBJECT", "ENCODING", "plus"));
        await client.CallAsync("SADD", "long", new string('x', 65));
        Assert.Equal("hashtable", await client.CallAsync("OBJECT", "ENCODING", "long"));
        await client.CallAsync(["SADD", "ints", .. Enumerable.Range(0, 512).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        Assert.Equal("intset", await client.CallAsync("OBJECT", "ENCODING", "ints"));
        await client.CallAsync("SADD", "ints", "512");
        Assert.Equal("hashtable", await client.CallAsync("OBJECT", "ENCODING", "ints"));
        await client.CallAsync(["SADD", "many", .. Enumerable.Range(0, 129).Select(i => $"m{i}")]);
        Assert.Equal("hashtable", await client.CallAsync("OBJECT", "ENCODING", "many")); // the size hint picks it at once
    }

    [Fact]
    public async Task ConfigSetChangesTheEncodingLimits()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal(new object?[] { "set-max-intset-entries", "512" }, await client.CallAsync("CONFIG", "GET", "set-max-intset-entries"));
        Assert.Equal(new object?[] { "set-max-listpack-entries", "128" }, await client.CallAsync("CONFIG", "GET", "set-max-listpack-entries"));
        Assert.Equal(new object?[] { "set-max-listpack-value", "64" }, await client.CallAsync("CONFIG", "GET", "set-max-listpack-value"));
        Assert.Equal("OK", await client.CallAsync("CONFIG", "SET", "set-max-intset-entries", "2", "set-max-listpack-entries", "3", "set-max-listpack-value", "4"));
        await client.CallAsync("SADD", "i", "1", "2", "3");
        Assert.Equal("listpack", await client.CallAsync("OBJECT", "ENCODING", "i"));
        await client.CallAsync("SADD", "l", "a", "b", "c");
        Assert.Equal("listpack", await client.CallAsync("OBJECT", "ENCODING", "l"));
        await client.CallAsync("SADD", "l", "d");
        Assert.Equal("hashtable", await client.CallAsync("OBJECT", "ENCODING", "l"));
        await client.CallAsync("SADD", "v", "abcde");
        Assert.Equal("hashtable", await client.CallAsync("OBJECT", "ENCODING", "v"));
    }

    [Fact]
    public async Task MemoryUsageGrowsWithTheSetAndScanFindsSetsByType()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("SADD", "s", "a");
        await client.CallAsync("SET", "str", "x");
        var small = Assert.IsType<long>(await client.CallAsync("MEMORY", "USAGE", "s"));
        await client.CallAsync(["SADD", "s", .. Enumerable.Range(0, 1000).Select(i => $"member:{i}")]);
        var large = Assert.IsType<long>(await client.CallAsync("MEMORY", "USAGE", "s"));
        Assert.InRange(large, small + (1000 * 40), small + (1000 * 200));
        var found = new List<object?>();
        var cursor = "0";
        do
        {
            var scan = Assert.IsType<object?[]>(await client.CallAsync("SCAN", cursor, "TYPE", "set"));
            cursor = Assert.IsType<string>(scan[0]);
            found.AddRange(Assert.IsType<object?[]>(scan[1]));
        }
        while (cursor != "0");
        Assert.Equal(new object?[] { "s" }, found);
    }

    [Fact]
    public async Task DumpAndRestoreRoundTripEveryEncodingAndRefuseACorruptSet()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("SADD", "intset", "3", "1", "2");
        await client.CallAsync("SADD", "listpack", "a", "b", "1");
        await client.CallAsync(["SADD", "hashtable", .. Enumerable.Range(0, 200).Select(i => $"m{i}")]);
        foreach (var key in new[] { "intset", "listpack", "hashtable" })
        {
            client.BulkAsBytes = true;
            var payload = Assert.IsType<byte[]>(await client.CallAsync("DUMP", key));
            client.BulkAsBytes = false;
            Assert.Equal("OK", await client.CallAsync("RESTORE", key + ":copy", "0", payload));
            Assert.Equal(key, await client.CallAsync("OBJECT", "ENCODING", key + ":copy"));
            Assert.Equal(Sorted(await client.CallAsync("SMEMBERS", key)), Sorted(await client.CallAsync("SMEMBERS", key + ":copy")));
        }

        byte[][] corrupt =
        [
            [0], // no members
            [2, 1, (byte)'a', 1, (byte)'a'], // a member twice
            [2, 1, (byte)'a'], // fewer members than counted
            [1, 5, (byte)'a'], // a member runs past the end
            [1, 1, (byte)'a', 0], // bytes after the last member
        ];
        foreach (var packed in corrupt)
        {
            var payload = DumpPayload.Encode(RecordValueType.Set, packed);
            Assert.Equal("ERR Bad data format", Error(await client.CallAsync("RESTORE", "bad", "0", payload)));
        }

        Assert.Equal(0L, await client.CallAsync("EXISTS", "bad"));
        Assert.Equal("OK", await client.CallAsync("RESTORE", "good", "0", DumpPayload.Encode(RecordValueType.Set, [1, 2, .. Encoding.ASCII.GetBytes("42")])));
        Assert.Equal("intset", await client.CallAsync("OBJECT", "ENCODING", "good"));
    }

    [Fact]
    public async Task MaxmemoryRefusesASetThatWouldNotFit()
    {
        await using var node = await TestNode.StartAsync(o =>
        {
            o.Storage.MaxMemory = 4 * 1024 * 1024;
            o.Storage.Policy = Hoard.Storage.EvictionPolicy.NoEviction;
        });
        await using var client = await node.ConnectAsync();
        object? reply = null;
        for (var i = 0; i < 2000 && reply is not RespError; i++)
        {
            reply = await client.CallAsync(["SADD", "s", .. Enumerable.Range(0, 100).Select(j => $"{i}:{j}:{new string('v', 40)}")]);
        }

        Assert.Equal("OOM command not allowed when used memory > 'maxmemory'.", Error(reply));
        Assert.Equal(1L, await client.CallAsync("SREM", "s", "0:0:" + new string('v', 40))); // removals still work
    }
}
