using System.Text.RegularExpressions;
using Hoard.Server.Tests.Support;

namespace Hoard.Server.Tests;

public partial class ClientCommandsTests
{
    [Fact]
    public async Task IdIsUniquePerConnection()
    {
        await using var node = await TestNode.StartAsync();
        await using var a = await node.ConnectAsync();
        await using var b = await node.ConnectAsync();
        var idA = Assert.IsType<long>(await a.CallAsync("CLIENT", "ID"));
        var idB = Assert.IsType<long>(await b.CallAsync("CLIENT", "ID"));
        Assert.True(idB > idA);
    }

    [Fact]
    public async Task SetNameAndGetName()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Null(await client.CallAsync("CLIENT", "GETNAME"));
        Assert.Equal("OK", await client.CallAsync("CLIENT", "SETNAME", "alpha"));
        Assert.Equal("alpha", await client.CallAsync("CLIENT", "GETNAME"));
        Assert.Equal("ERR Client names cannot contain spaces, newlines or special characters.",
            Assert.IsType<RespError>(await client.CallAsync("CLIENT", "SETNAME", "a b")).Message);
        Assert.Equal("ERR Client names cannot contain spaces, newlines or special characters.",
            Assert.IsType<RespError>(await client.CallAsync("CLIENT", "SETNAME", "a\nb")).Message);
        Assert.Equal("alpha", await client.CallAsync("CLIENT", "GETNAME"));

        // An empty name removes it.
        Assert.Equal("OK", await client.CallAsync("CLIENT", "SETNAME", ""));
        Assert.Null(await client.CallAsync("CLIENT", "GETNAME"));
    }

    [Fact]
    public async Task SetInfoRecordsTheLibrary()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("OK", await client.CallAsync("CLIENT", "SETINFO", "LIB-NAME", "redis-py"));
        Assert.Equal("OK", await client.CallAsync("CLIENT", "SETINFO", "lib-ver", "5.0.1"));
        Assert.Equal("ERR Unrecognized option 'lib-x'", Assert.IsType<RespError>(await client.CallAsync("CLIENT", "SETINFO", "lib-x", "1")).Message);
        Assert.Equal("ERR lib-name cannot contain spaces, newlines or special characters.",
            Assert.IsType<RespError>(await client.CallAsync("CLIENT", "SETINFO", "lib-name", "a b")).Message);
        var info = (string)(await client.CallAsync("CLIENT", "INFO"))!;
        Assert.EndsWith(" lib-name=redis-py lib-ver=5.0.1\n", info, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAndInfoUseRedisLineFormat()
    {
        await using var node = await TestNode.StartAsync();
        await using var a = await node.ConnectAsync();
        await using var b = await node.ConnectAsync();
        Assert.Equal("OK", await a.CallAsync("CLIENT", "SETNAME", "first"));
        Assert.Equal("OK", await b.CallAsync("SELECT", "2"));
        var idA = (long)(await a.CallAsync("CLIENT", "ID"))!;
        var idB = (long)(await b.CallAsync("CLIENT", "ID"))!;

        var list = (string)(await a.CallAsync("CLIENT", "LIST"))!;
        var lines = list.Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Equal("", lines[2]);
        var line = ClientLine();
        var first = line.Match(lines[0]);
        var second = line.Match(lines[1]);
        Assert.True(first.Success, lines[0]);
        Assert.True(second.Success, lines[1]);
        Assert.Equal(idA.ToString(System.Globalization.CultureInfo.InvariantCulture), first.Groups[1].Value);
        Assert.Equal("first", first.Groups[2].Value);
        Assert.Equal("client|list", first.Groups[4].Value);
        Assert.Equal(idB.ToString(System.Globalization.CultureInfo.InvariantCulture), second.Groups[1].Value);
        Assert.Equal("2", second.Groups[3].Value);
        Assert.Equal("client|id", second.Groups[4].Value);

        var info = (string)(await b.CallAsync("CLIENT", "INFO"))!;
        Assert.Matches(line, info.TrimEnd('\n'));
        Assert.StartsWith($"id={idB} ", info, StringComparison.Ordinal);
        Assert.Contains(" cmd=client|info ", info, StringComparison.Ordinal);

        var byId = (string)(await a.CallAsync("CLIENT", "LIST", "ID", idB, "999999"))!;
        Assert.StartsWith($"id={idB} ", byId, StringComparison.Ordinal);
        Assert.Single(byId.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task ListFiltersByTypeAndRejectsBadArguments()
    {
        await using var node = await TestNode.StartAsync();
        await using var normal = await node.ConnectAsync();
        await using var subscriber = await node.ConnectAsync();
        var subscriberId = (long)(await subscriber.CallAsync("CLIENT", "ID"))!;
        await subscriber.CallAsync("SUBSCRIBE", "news");

        var pubsub = (string)(await normal.CallAsync("CLIENT", "LIST", "TYPE", "pubsub"))!;
        Assert.StartsWith($"id={subscriberId} ", pubsub, StringComparison.Ordinal);
        Assert.Contains(" flags=P ", pubsub, StringComparison.Ordinal);
        Assert.Contains(" sub=1 psub=0 ", pubsub, StringComparison.Ordinal);
        Assert.DoesNotContain($"id={subscriberId} ", (string)(await normal.CallAsync("CLIENT", "LIST", "TYPE", "normal"))!, StringComparison.Ordinal);
        Assert.Equal("", await normal.CallAsync("CLIENT", "LIST", "TYPE", "master"));

        Assert.Equal("ERR Unknown client type 'bogus'", Assert.IsType<RespError>(await normal.CallAsync("CLIENT", "LIST", "TYPE", "bogus")).Message);
        Assert.Equal("ERR Invalid client ID", Assert.IsType<RespError>(await normal.CallAsync("CLIENT", "LIST", "ID", "x")).Message);
        Assert.Equal("ERR syntax error", Assert.IsType<RespError>(await normal.CallAsync("CLIENT", "LIST", "bogus")).Message);
    }

    [Fact]
    public async Task KillById()
    {
        await using var node = await TestNode.StartAsync();
        await using var killer = await node.ConnectAsync();
        await using var victim = await node.ConnectAsync();
        var victimId = (long)(await victim.CallAsync("CLIENT", "ID"))!;
        var killerId = (long)(await killer.CallAsync("CLIENT", "ID"))!;

        Assert.Equal(1L, await killer.CallAsync("CLIENT", "KILL", "ID", victimId));
        Assert.True(await victim.IsClosedAsync());
        Assert.Equal(0L, await killer.CallAsync("CLIENT", "KILL", "ID", victimId));

        // SKIPME defaults to yes in the new form.
        Assert.Equal(0L, await killer.CallAsync("CLIENT", "KILL", "ID", killerId));
        Assert.Equal("PONG", await killer.CallAsync("PING"));
        Assert.Equal("ERR client-id should be greater than 0", Assert.IsType<RespError>(await killer.CallAsync("CLIENT", "KILL", "ID", "0")).Message);
        Assert.Equal("ERR syntax error", Assert.IsType<RespError>(await killer.CallAsync("CLIENT", "KILL", "ID", "1", "BOGUS", "x")).Message);
        Assert.Equal("ERR syntax error", Assert.IsType<RespError>(await killer.CallAsync("CLIENT", "KILL", "SKIPME", "maybe")).Message);
        Assert.Equal("ERR No such user 'bob'", Assert.IsType<RespError>(await killer.CallAsync("CLIENT", "KILL", "USER", "bob")).Message);
    }

    [Fact]
    public async Task KillByAddressInBothForms()
    {
        await using var node = await TestNode.StartAsync();
        await using var killer = await node.ConnectAsync();
        await using var victim = await node.ConnectAsync();
        await using var other = await node.ConnectAsync();
        var info = (string)(await victim.CallAsync("CLIENT", "INFO"))!;
        var address = AddressField().Match(info).Groups[1].Value;

        Assert.Equal("OK", await killer.CallAsync("CLIENT", "KILL", address));
        Assert.True(await victim.IsClosedAsync());
        Assert.Equal("ERR No such client", Assert.IsType<RespError>(await killer.CallAsync("CLIENT", "KILL", address)).Message);

        var otherAddress = AddressField().Match((string)(await other.CallAsync("CLIENT", "INFO"))!).Groups[1].Value;
        Assert.Equal(1L, await killer.CallAsync("CLIENT", "KILL", "ADDR", otherAddress, "SKIPME", "yes"));
        Assert.True(await other.IsClosedAsync());

        // The old form may kill the caller itself: the reply is sent, then the connection closes.
        var own = AddressField().Match((string)(await killer.CallAsync("CLIENT", "INFO"))!).Groups[1].Value;
        Assert.Equal("OK", await killer.CallAsync("CLIENT", "KILL", own));
        Assert.True(await killer.IsClosedAsync());
    }

    [Fact]
    public async Task NoEvictAndNoTouchShowInFlags()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("OK", await client.CallAsync("CLIENT", "NO-EVICT", "on"));
        Assert.Equal("OK", await client.CallAsync("CLIENT", "NO-TOUCH", "ON"));
        Assert.Contains(" flags=eT ", (string)(await client.CallAsync("CLIENT", "INFO"))!, StringComparison.Ordinal);
        Assert.Equal("OK", await client.CallAsync("CLIENT", "NO-EVICT", "off"));
        Assert.Equal("OK", await client.CallAsync("CLIENT", "NO-TOUCH", "off"));
        Assert.Contains(" flags=N ", (string)(await client.CallAsync("CLIENT", "INFO"))!, StringComparison.Ordinal);
        Assert.Equal("ERR syntax error", Assert.IsType<RespError>(await client.CallAsync("CLIENT", "NO-EVICT", "maybe")).Message);
    }

    [Fact]
    public async Task SubcommandErrorsAndHelpAreRedis()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("ERR unknown subcommand 'bogus'. Try CLIENT HELP.", Assert.IsType<RespError>(await client.CallAsync("CLIENT", "bogus")).Message);
        Assert.Equal("ERR wrong number of arguments for 'client|setname' command", Assert.IsType<RespError>(await client.CallAsync("CLIENT", "SETNAME")).Message);
        Assert.Equal("ERR wrong number of arguments for 'client|id' command", Assert.IsType<RespError>(await client.CallAsync("CLIENT", "ID", "x")).Message);
        Assert.Equal("ERR wrong number of arguments for 'client' command", Assert.IsType<RespError>(await client.CallAsync("CLIENT")).Message);
        var help = Assert.IsType<object?[]>(await client.CallAsync("CLIENT", "HELP"));
        Assert.Equal("CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", help[0]);
        Assert.Equal("HELP", help[^2]);
        Assert.Equal("    Print this help.", help[^1]);
    }

    [Fact]
    public async Task ListInResp3IsAVerbatimString()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("HELLO", "3");
        var info = Assert.IsType<string>(await client.CallAsync("CLIENT", "INFO"));
        Assert.StartsWith("txt:id=", info, StringComparison.Ordinal);
        Assert.Contains(" resp=3 ", info, StringComparison.Ordinal);
    }

    [GeneratedRegex(
            @"^id=(\d+) addr=127\.0\.0\.1:\d+ laddr=127\.0\.0\.1:\d+ fd=-?\d+ name=(\S*) age=\d+ idle=\d+ flags=N db=(\d+) sub=0 psub=0 ssub=0 multi=-1 " +
            @"qbuf=0 qbuf-free=0 argv-mem=\d+ multi-mem=0 rbs=\d+ rbp=\d+ obl=0 oll=0 omem=0 tot-mem=\d+ events=r cmd=(\S+) user=default redir=-1 resp=2 lib-name= lib-ver=$")]
    private static partial Regex ClientLine();

    [GeneratedRegex(@" addr=(\S+) ")]
    private static partial Regex AddressField();
}
