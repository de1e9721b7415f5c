using Hoard.Server.Tests.Support;

namespace Hoard.Server.Tests;

/// <summary>EXEC runs with every shard locked: no other client sees a transaction half done; replicas get its writes.</summary>
public class TransactionAtomicityTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task AReaderNeverSeesHalfATransaction()
    {
        await using var node = await TestNode.StartAsync();
        await using var writer = await node.ConnectAsync();
        await using var reader = await node.ConnectAsync();
        await using var other = await node.ConnectAsync();
        const int rounds = 300;
        const int between = 100;

        // "a" and "b" hash to different shards with high likelihood; commands between them widen the window a reader
        // would see if EXEC were not atomic; the other client writes elsewhere meanwhile.
        var writing = Task.Run(async () =>
        {
            for (var i = 0; i < rounds; i++)
            {
                await writer.CallAsync("MULTI");
                await writer.SendAsync("INCR", "a");
                for (var j = 0; j < between; j++)
                {
                    await writer.SendAsync("SET", $"between:{j}", i);
                }

                await writer.SendAsync("INCR", "b");
                await writer.SendAsync("EXEC");
                for (var j = 0; j < between + 2; j++)
                {
                    Assert.Equal("QUEUED", await writer.ReadAsync());
                }

                var reply = Assert.IsType<object?[]>(await writer.ReadAsync());
                Assert.Equal(reply[0], reply[^1]);
            }
        });
        var noise = Task.Run(async () =>
        {
            for (var i = 0; i < rounds; i++)
            {
                await other.CallAsync("SET", $"noise:{i % 64}", i);
            }
        });

        // The reader reads both keys in a transaction of its own: a plain MGET reads one shard at a time, so a whole
        // EXEC may run between its two reads (it saw a = 37, b = 38 in CI) without any transaction being half done.
        var reads = 0;
        while (!writing.IsCompleted)
        {
            Assert.Equal("OK", await reader.CallAsync("MULTI"));
            Assert.Equal("QUEUED", await reader.CallAsync("GET", "a"));
            Assert.Equal("QUEUED", await reader.CallAsync("GET", "b"));
            var pair = Assert.IsType<object?[]>(await reader.CallAsync("EXEC"));
            Assert.Equal(pair[0], pair[1]);
            reads++;
        }

        await writing.WaitAsync(Bound);
        await noise.WaitAsync(Bound);
        Assert.True(reads > 0);
        Assert.Equal(new object?[] { $"{rounds}", $"{rounds}" }, await reader.CallAsync("MGET", "a", "b"));
    }

    [Fact]
    public async Task TwoClientsIncrementingUnderWatchLoseNoUpdate()
    {
        await using var node = await TestNode.StartAsync();
        const int perClient = 200;

        async Task IncrementAsync()
        {
            await using var client = await node.ConnectAsync();
            var done = 0;
            while (done < perClient)
            {
                await client.CallAsync("WATCH", "counter");
                var current = await client.CallAsync("GET", "counter") is string s ? long.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : 0;
                await client.CallAsync("MULTI");
                await client.CallAsync("SET", "counter", current + 1);
                if (await client.CallAsync("EXEC") is object?[])
                {
                    done++;
                }
            }
        }

        await Task.WhenAll(IncrementAsync(), IncrementAsync()).WaitAsync(TimeSpan.FromSeconds(60));
        await using var check = await node.ConnectAsync();
        Assert.Equal($"{2 * perClient}", await check.CallAsync("GET", "counter"));
    }

    [Fact]
    public async Task AReplicaEndsWithTheTransactionsEffects()
    {
        await using var primary = await TestNode.StartAsync();
        await using var replica = await TestNode.StartAsync();
        await using var link = await replica.ConnectAsync();
        Assert.Equal("OK", await link.CallAsync("REPLICAOF", "127.0.0.1", primary.Port));
        await using var client = await primary.ConnectAsync();
        Assert.Equal("OK", await client.CallAsync("SET", "gone", "x"));
        Assert.Equal("OK", await client.CallAsync("MULTI"));
        Assert.Equal("QUEUED", await client.CallAsync("SET", "a", "1"));
        Assert.Equal("QUEUED", await client.CallAsync("INCRBY", "a", "41"));
        Assert.Equal("QUEUED", await client.CallAsync("HSET", "h", "f", "v"));
        Assert.Equal("QUEUED", await client.CallAsync("DEL", "gone"));
        Assert.Equal("QUEUED", await client.CallAsync("EXPIRE", "h", "1000"));
        Assert.Equal(new object?[] { "OK", 42L, 1L, 1L, 1L }, await client.CallAsync("EXEC"));

        var deadline = DateTime.UtcNow + Bound;
        while (!Equals(await link.CallAsync("GET", "a"), "42") || !Equals(await link.CallAsync("EXISTS", "gone"), 0L))
        {
            Assert.True(DateTime.UtcNow < deadline, "the replica did not catch up");
            await Task.Delay(20);
        }

        Assert.Equal("v", await link.CallAsync("HGET", "h", "f"));
        Assert.InRange((long)(await link.CallAsync("TTL", "h"))!, 1, 1000);
        Assert.Equal(1L, await client.CallAsync("WAIT", "1", "5000")); // after EXEC, WAIT waits for its writes
    }
}
