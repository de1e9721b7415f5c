using Hoard.Server.Tests.Support;

namespace Hoard.Server.Tests;

public class ExpiryCommandsTests
{
    private const long Start = 1_700_000_000_000;

    private static string Error(object? reply) => Assert.IsType<RespError>(reply).Message;

    /// <summary>A clock the test moves by hand: TTLs are checked without waiting.</summary>
    private sealed class ManualClock : TimeProvider
    {
        public long NowMs { get; set; } = Start;

        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(NowMs);
    }

    [Fact]
    public async Task ExpireSetsTtlAndTheKeyGoesWhenItRunsOut()
    {
        var clock = new ManualClock();
        await using var node = await TestNode.StartAsync(time: clock);
        await using var client = await node.ConnectAsync();
        await client.CallAsync("SET", "k", "v");
        Assert.Equal(1L, await client.CallAsync("EXPIRE", "k", "10"));
        Assert.Equal(10L, await client.CallAsync("TTL", "k"));
        Assert.Equal(10_000L, await client.CallAsync("PTTL", "k"));
        Assert.Equal((Start / 1000) + 10, await client.CallAsync("EXPIRETIME", "k"));
        Assert.Equal(Start + 10_000, await client.CallAsync("PEXPIRETIME", "k"));
        clock.NowMs += 9_400;
        Assert.Equal(1L, await client.CallAsync("TTL", "k"));
        clock.NowMs += 200;
        Assert.Equal(0L, await client.CallAsync("TTL", "k"));
        Assert.Equal(400L, await client.CallAsync("PTTL", "k"));
        clock.NowMs += 400;
        Assert.Equal(-2L, await client.CallAsync("TTL", "k"));
        Assert.Null(await client.CallAsync("GET", "k"));
        Assert.Equal(0L, await client.CallAsync("EXPIRE", "k", "10"));
    }

    [Fact]
    public async Task TtlFamilyAnswersMinusTwoAndMinusOne()
    {
        await using var node = await TestNode.StartAsync(time: new ManualClock());
        await using var client = await node.ConnectAsync();
        await client.CallAsync("SET", "k", "v");
        foreach (var command in new[] { "TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME" })
        {
            Assert.Equal(-2L, await client.CallAsync(command, "missing"));
            Assert.Equal(-1L, await client.CallAsync(command, "k"));
        }
    }

    [Fact]
    public async Task ExpireTimeRoundsToTheNearestSecond()
    {
        await using var node = await TestNode.StartAsync(time: new ManualClock());
        await using var client = await node.ConnectAsync();
        await client.CallAsync("SET", "k", "v");
        Assert.Equal(1L, await client.CallAsync("PEXPIREAT", "k", Start + 10_499));
        Assert.Equal((Start / 1000) + 10, await client.CallAsync("EXPIRETIME", "k"));
        Assert.Equal(10L, await client.CallAsync("TTL", "k"));
        Assert.Equal(1L, await client.CallAsync("PEXPIREAT", "k", Start + 10_500));
        Assert.Equal((Start / 1000) + 11, await client.CallAsync("EXPIRETIME", "k"));
        Assert.Equal(11L, await client.CallAsync("TTL", "k"));
    }

    [Fact]
    public async Task AllFourSettersAgree()
    {
        await using var node = await TestNode.StartAsync(time: new ManualClock());
        await using var client = await node.ConnectAsync();
        await client.CallAsync("MSET", "a", "1", "b", "2", "c", "3", "d", "4");
        Assert.Equal(1L, await client.CallAsync("EXPIRE", "a", "100"));
        Assert.Equal(1L, await client.CallAsync("PEXPIRE", "b", "100000"));
        Assert.Equal(1L, await client.CallAsync("EXPIREAT", "c", (Start / 1000) + 100));
        Assert.Equal(1L, await client.CallAsync("PEXPIREAT", "d", Start + 100_000));
        foreach (var key in new[] { "a", "b", "c", "d" })
        {
            Assert.Equal(Start + 100_000, await client.CallAsync("PEXPIRETIME", key));
        }

        Assert.Equal(0L, await client.CallAsync("PEXPIRE", "missing", "100"));
        Assert.Equal(0L, await client.CallAsync("EXPIREAT", "missing", "100"));
    }

    [Fact]
    public async Task ATimeInThePastDeletesTheKey()
    {
        await using var node = await TestNode.StartAsync(time: new ManualClock());
        await using var client = await node.ConnectAsync();
        await client.CallAsync("MSET", "a", "1", "b", "2", "c", "3", "d", "4");
        Assert.Equal(1L, await client.CallAsync("EXPIRE", "a", "-1"));
        Assert.Equal(1L, await client.CallAsync("PEXPIRE", "b", "0"));
        Assert.Equal(1L, await client.CallAsync("EXPIREAT", "c", "1"));
        Assert.Equal(1L, await client.CallAsync("PEXPIREAT", "d", "-9223372036854775808"));
        Assert.Equal(0L, await client.CallAsync("EXISTS", "a", "b", "c", "d"));
    }

    [Fact]
    public async Task ConditionsNxXxGtLt()
    {
        await using var node = await TestNode.StartAsync(time: new ManualClock());
        await using var client = await node.ConnectAsync();
        await client.CallAsync("MSET", "k", "v", "p", "v");

        // No TTL yet: NX passes, XX and GT fail, LT passes (no TTL counts as infinite).
        Assert.Equal(0L, await client.CallAsync("EXPIRE", "k", "100", "XX"));
        Assert.Equal(0L, await client.CallAsync("EXPIRE", "k", "100", "GT"));
        Assert.Equal(0L, await client.CallAsync("EXPIRE", "k", "100", "XX", "LT"));
        Assert.Equal(-1L, await client.CallAsync("TTL", "k"));
        Assert.Equal(1L, await client.CallAsync("EXPIRE", "p", "100", "LT"));
        Assert.Equal(100L, await client.CallAsync("TTL", "p"));
        Assert.Equal(1L, await client.CallAsync("EXPIRE", "k", "100", "nx"));
        Assert.Equal(0L, await client.CallAsync("EXPIRE", "k", "200", "NX"));

        // TTL 100: GT needs later, LT needs earlier, XX needs a TTL.
        Assert.Equal(0L, await client.CallAsync("EXPIRE", "k", "50", "GT"));
        Assert.Equal(0L, await client.CallAsync("EXPIRE", "k", "100", "GT"));
        Assert.Equal(1L, await client.CallAsync("EXPIRE", "k", "200", "GT"));
        Assert.Equal(200L, await client.CallAsync("TTL", "k"));
        Assert.Equal(0L, await client.CallAsync("EXPIRE", "k", "300", "LT"));
        Assert.Equal(1L, await client.CallAsync("EXPIRE", "k", "150", "LT", "XX"));
        Assert.Equal(1L, await client.CallAsync("EXPIRE", "k", "250", "XX", "GT"));
        Assert.Equal(1L, await client.CallAsync("EXPIRE", "k", "120", "XX"));
        Assert.Equal(120L, await client.CallAsync("TTL", "k"));
        Assert.Equal(0L, await client.CallAsync("EXPIRE", "missing", "100", "NX"));
    }

    [Fact]
    public async Task OptionErrors()
    {
        await using var node = await TestNode.StartAsync(time: new ManualClock());
        await using var client = await node.ConnectAsync();
        await client.CallAsync("SET", "k", "v");
        const string nxConflict = "ERR NX and XX, GT or LT options at the same time are not compatible";
        Assert.Equal(nxConflict, Error(await client.CallAsync("EXPIRE", "k", "100", "NX", "XX")));
        Assert.Equal(nxConflict, Error(await client.CallAsync("PEXPIRE", "k", "100", "GT", "NX")));
        Assert.Equal(nxConflict, Error(await client.CallAsync("EXPIREAT", "k", "100", "NX", "LT")));
        Assert.Equal("ERR GT and LT options at the same time are not compatible", Error(await client.CallAsync("PEXPIREAT", "k", "100", "GT", "LT")));
        Assert.Equal("ERR Unsupported option FOO", Error(await client.CallAsync("EXPIRE", "k", "100", "FOO")));
        Assert.Equal("ERR Unsupported option FOO", Error(await client.CallAsync("EXPIRE", "k", "x", "FOO")));
        Assert.Equal("ERR value is not an integer or out of range", Error(await client.CallAsync("EXPIRE", "k", "x")));
        Assert.Equal("ERR value is not an integer or out of range", Error(await client.CallAsync("EXPIRE", "missing", "1.5")));
        Assert.Equal("ERR wrong number of arguments for 'expire' command", Error(await client.CallAsync("EXPIRE", "k")));
        Assert.Equal(-1L, await client.CallAsync("TTL", "k"));
    }

    [Fact]
    public async Task OverflowIsAnInvalidExpireTime()
    {
        await using var node = await TestNode.StartAsync(time: new ManualClock());
        await using var client = await node.ConnectAsync();
        await client.CallAsync("SET", "k", "v");
        Assert.Equal("ERR invalid expire time in 'expire' command", Error(await client.CallAsync("EXPIRE", "k", "9223372036854775807")));
        Assert.Equal("ERR invalid expire time in 'expire' command", Error(await client.CallAsync("EXPIRE", "k", "-9223372036854775807")));
        Assert.Equal("ERR invalid expire time in 'expire' command", Error(await client.CallAsync("EXPIRE", "missing", "9223372036854775")));
        Assert.Equal("ERR invalid expire time in 'pexpire' command", Error(await client.CallAsync("PEXPIRE", "k", "9223372036854775807")));
        Assert.Equal("ERR invalid expire time in 'expireat' command", Error(await client.CallAsync("EXPIREAT", "k", "9223372036854776")));
        Assert.Equal(-1L, await client.CallAsync("TTL", "k"));
        Assert.Equal(1L, await client.CallAsync("PEXPIREAT", "k", "9223372036854775807"));
        Assert.Equal(9223372036854775807L, await client.CallAsync("PEXPIRETIME", "k"));
        Assert.Equal(9223372036854776L, await client.CallAsync("EXPIRETIME", "k"));
    }

    [Fact]
    public async Task PersistRemovesTheTtl()
    {
        await using var node = await TestNode.StartAsync(time: new ManualClock());
        await using var client = await node.ConnectAsync();
        await client.CallAsync("SET", "k", "v", "EX", "100");
        await client.CallAsync("SET", "plain", "v");
        Assert.Equal(1L, await client.CallAsync("PERSIST", "k"));
        Assert.Equal(-1L, await client.CallAsync("TTL", "k"));
        Assert.Equal(0L, await client.CallAsync("PERSIST", "k"));
        Assert.Equal(0L, await client.CallAsync("PERSIST", "plain"));
        Assert.Equal(0L, await client.CallAsync("PERSIST", "missing"));
        Assert.Equal("v", await client.CallAsync("GET", "k"));
    }

    [Fact]
    public async Task ExpiredKeysDisappearFromEveryCommand()
    {
        var clock = new ManualClock();
        await using var node = await TestNode.StartAsync(time: clock);
        await using var client = await node.ConnectAsync();
        await client.CallAsync("SET", "gone", "v", "PX", "100");
        await client.CallAsync("SET", "kept", "v");
        clock.NowMs += 100;
        Assert.Equal(0L, await client.CallAsync("EXISTS", "gone"));
        Assert.Equal("none", await client.CallAsync("TYPE", "gone"));
        Assert.Null(await client.CallAsync("GET", "gone"));
        Assert.Equal(new object[] { "kept" }, await client.CallAsync("KEYS", "*"));
        Assert.Equal("kept", await client.CallAsync("RANDOMKEY"));
        Assert.Equal(1L, await client.CallAsync("SETNX", "gone", "new"));
        Assert.Equal(-1L, await client.CallAsync("TTL", "gone"));
    }

    [Fact]
    public async Task RealClockTtlRunsOut()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        // Run the same paths once first: in a cold process, compiling them can take longer than a short TTL.
        await client.CallAsync("SET", "warm", "v", "PX", "100000");
        await client.CallAsync("PSETEX", "warm", "100000", "v");
        await client.CallAsync("PTTL", "warm");
        await client.CallAsync("EXISTS", "warm", "warm");

        Assert.Equal("OK", await client.CallAsync("SET", "k", "v", "PX", "500"));
        Assert.Equal("OK", await client.CallAsync("PSETEX", "p", "500", "v"));
        Assert.InRange((long)(await client.CallAsync("PTTL", "k"))!, 1, 500);
        await Task.Delay(700);
        Assert.Equal(0L, await client.CallAsync("EXISTS", "k", "p"));
        Assert.Equal(-2L, await client.CallAsync("PTTL", "k"));
    }
}
