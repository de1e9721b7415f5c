using System.Buffers.Binary;
using Hoard.Server.Commands.Keys;
using Hoard.Server.Tests.Support;
using Hoard.Storage.Replication;

namespace Hoard.Server.Tests;

public partial class SortedSetCommandsTests
{
    private static async Task<byte[]> DumpAsync(RespClient client, string key)
    {
        client.BulkAsBytes = true;
        try
        {
            return Assert.IsType<byte[]>(await client.CallAsync("DUMP", key));
        }
        finally
        {
            client.BulkAsBytes = false;
        }
    }

    /// <summary>A sorted set's packed form: count, then (length, member, float64 LE score) each.</summary>
    private static byte[] Packed(params (string Member, double Score)[] entries)
    {
        var bytes = new List<byte> { (byte)entries.Length };
        foreach (var (member, score) in entries)
        {
            bytes.Add((byte)member.Length);
            bytes.AddRange(System.Text.Encoding.ASCII.GetBytes(member));
            var raw = new byte[8];
            BinaryPrimitives.WriteDoubleLittleEndian(raw, score);
            bytes.AddRange(raw);
        }

        return [.. bytes];
    }

    [Fact]
    public async Task DumpAndRestoreRoundTripBothEncodings()
    {
        await using var node = await TestNode.StartAsync(o => o.Storage.ZSetMaxListpackEntries = 4);
        await using var client = await node.ConnectAsync();
        await client.CallAsync("ZADD", "small", "1", "a", "-inf", "b", "2.5", "c");
        await client.CallAsync("ZADD", "large", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e", "inf", "f");
        foreach (var key in new[] { "small", "large" })
        {
            Assert.Equal("OK", await client.CallAsync("RESTORE", key + ":copy", "0", await DumpAsync(client, key)));
            Assert.Equal(Array(await client.CallAsync("ZRANGE", key, "0", "-1", "WITHSCORES")),
                Array(await client.CallAsync("ZRANGE", key + ":copy", "0", "-1", "WITHSCORES")));
        }

        Assert.Equal("listpack", await client.CallAsync("OBJECT", "ENCODING", "small:copy"));
        Assert.Equal("skiplist", await client.CallAsync("OBJECT", "ENCODING", "large:copy"));
        Assert.Equal(1L, await client.CallAsync("COPY", "large", "large:2"));
        Assert.Equal(1L, await client.CallAsync("ZREM", "large:2", "a"));
        Assert.Equal(6L, await client.CallAsync("ZCARD", "large"));
    }

    [Fact]
    public async Task RestoreRejectsMalformedSortedSets()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        byte[][] bad =
        [
            Packed(),
            Packed(("b", 1), ("a", 1)),
            Packed(("a", 1), ("a", 1)),
            Packed(("a", 1), ("b", 2), ("a", 3)),
            Packed(("a", double.NaN)),
            Packed(("a", 1))[..^1],
            [.. Packed(("a", 1)), 0],
        ];
        foreach (var value in bad)
        {
            var payload = DumpPayload.Encode(RecordValueType.SortedSet, value);
            Assert.Equal("ERR Bad data format", Error(await client.CallAsync("RESTORE", "x", "0", payload)));
        }

        Assert.Equal(0L, await client.CallAsync("EXISTS", "x"));
        Assert.Equal("OK", await client.CallAsync("RESTORE", "x", "0", DumpPayload.Encode(RecordValueType.SortedSet, Packed(("a", 1), ("b", 1)))));
        Assert.Equal(new object?[] { "a", "b" }, Array(await client.CallAsync("ZRANGE", "x", "0", "-1")));
    }

    [Fact]
    public async Task MaxMemoryRefusesZAddWhenFull()
    {
        await using var node = await TestNode.StartAsync(o =>
        {
            o.Storage.MaxMemory = 2 * 1024 * 1024;
            o.Storage.Policy = Hoard.Storage.EvictionPolicy.NoEviction;
        });
        await using var client = await node.ConnectAsync();
        object? reply = null;
        for (var i = 0; i < 100_000; i++)
        {
            reply = await client.CallAsync("ZADD", "z", i.ToString(System.Globalization.CultureInfo.InvariantCulture), "member-" + i + new string('x', 40));
            if (reply is RespError)
            {
                break;
            }
        }

        Assert.Equal("OOM command not allowed when used memory > 'maxmemory'.", Error(reply));
        Assert.True((long)(await client.CallAsync("ZREM", "z", "member-1" + new string('x', 40)))! >= 0);
    }
}
