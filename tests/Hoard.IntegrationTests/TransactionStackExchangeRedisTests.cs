using StackExchange.Redis;
using static Hoard.IntegrationTests.HoardProcess;

namespace Hoard.IntegrationTests;

/// <summary>StackExchange.Redis's ITransaction (WATCH + MULTI/EXEC with conditions) against a real <c>hoard serve</c> process.</summary>
public class TransactionStackExchangeRedisTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static async Task<ConnectionMultiplexer> ConnectAsync(int port, RedisProtocol protocol)
    {
        var options = new ConfigurationOptions
        {
            EndPoints = { { "127.0.0.1", port } },
            Protocol = protocol,
            ConnectTimeout = 5000,
            SyncTimeout = 5000,
            AbortOnConnectFail = false,
            ConnectRetry = 10,
        };
        var redis = await ConnectionMultiplexer.ConnectAsync(options).WaitAsync(Bound);
        var deadline = DateTime.UtcNow + Bound;
        while (!redis.IsConnected)
        {
            Assert.True(DateTime.UtcNow < deadline, "not connected");
            await Task.Delay(100);
        }

        return redis;
    }

    [Theory]
    [InlineData(RedisProtocol.Resp2)]
    [InlineData(RedisProtocol.Resp3)]
    public async Task ConditionsHoldOrFailAsAnotherClientChangesTheKey(RedisProtocol protocol)
    {
        var port = FreePort();
        using var process = Start($"serve --port {port}");
        try
        {
            await using (await ConnectWithRetriesAsync(port, Bound))
            {
                // the process listens
            }

            await using var mine = await ConnectAsync(port, protocol);
            await using var theirs = await ConnectAsync(port, protocol);
            var db = mine.GetDatabase();
            var other = theirs.GetDatabase();
            await db.StringSetAsync("balance", "10");

            var transaction = db.CreateTransaction();
            transaction.AddCondition(Condition.StringEqual("balance", "10"));
            var set = transaction.StringSetAsync("balance", "20");
            var incremented = transaction.StringIncrementAsync("moves");
            Assert.True(await transaction.ExecuteAsync().WaitAsync(Bound));
            Assert.True(await set);
            Assert.Equal(1, await incremented);
            Assert.Equal("20", await db.StringGetAsync("balance"));

            await other.StringSetAsync("balance", "25"); // another client changed it
            transaction = db.CreateTransaction();
            transaction.AddCondition(Condition.StringEqual("balance", "20"));
            _ = transaction.StringSetAsync("balance", "30");
            Assert.False(await transaction.ExecuteAsync().WaitAsync(Bound));
            Assert.Equal("25", await db.StringGetAsync("balance"));
            Assert.Equal("1", await db.StringGetAsync("moves"));
        }
        finally
        {
            StopIfRunning(process);
        }
    }

    [Fact]
    public async Task OptimisticIncrementsFromTwoConnectionsLoseNothing()
    {
        var port = FreePort();
        using var process = Start($"serve --port {port}");
        try
        {
            await using (await ConnectWithRetriesAsync(port, Bound))
            {
                // the process listens
            }

            await using var first = await ConnectAsync(port, RedisProtocol.Resp2);
            await using var second = await ConnectAsync(port, RedisProtocol.Resp2);
            const int attempts = 300;

            // Each reads the counter and sets it one higher under a condition on the value read: an EXEC whose WATCHed
            // key another connection changed in between must fail, or an increment would be lost.
            static async Task<int> IncrementAsync(IDatabase db)
            {
                var succeeded = 0;
                for (var i = 0; i < attempts; i++)
                {
                    var current = await db.StringGetAsync("counter");
                    var value = current.IsNull ? 0 : (long)current;
                    var transaction = db.CreateTransaction();
                    transaction.AddCondition(current.IsNull ? Condition.KeyNotExists("counter") : Condition.StringEqual("counter", current));
                    _ = transaction.StringSetAsync("counter", value + 1);
                    if (await transaction.ExecuteAsync())
                    {
                        succeeded++;
                    }
                }

                return succeeded;
            }

            var counts = await Task.WhenAll(IncrementAsync(first.GetDatabase()), IncrementAsync(second.GetDatabase())).WaitAsync(TimeSpan.FromSeconds(120));
            Assert.Equal(counts.Sum(), (long)await first.GetDatabase().StringGetAsync("counter"));
        }
        finally
        {
            StopIfRunning(process);
        }
    }
}
