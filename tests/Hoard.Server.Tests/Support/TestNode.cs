using System.Diagnostics;
using System.Net;

namespace Hoard.Server.Tests.Support;

/// <summary>An in-process Hoard node on a loopback port chosen at run time; dispose to stop it.</summary>
public sealed class TestNode : IAsyncDisposable
{
    private TestNode(HoardServer server) => Server = server;

    /// <summary>The running node.</summary>
    public HoardServer Server { get; }

    /// <summary>The port it listens on.</summary>
    public int Port => Server.EndPoints[0].Port;

    /// <summary>Starts a node; <paramref name="configure"/> may change its options first.</summary>
    public static async Task<TestNode> StartAsync(Action<ServerOptions>? configure = null, TimeProvider? time = null)
    {
        var options = new ServerOptions { Port = 0 };
        options.Bind.Clear();
        options.Bind.Add(IPAddress.Loopback);
        configure?.Invoke(options);
        var server = new HoardServer(options, time: time);
        await server.StartAsync();
        return new TestNode(server);
    }

    /// <summary>A new raw RESP client connected to the node.</summary>
    public Task<RespClient> ConnectAsync() => RespClient.ConnectAsync(Port);

    /// <summary>Waits, 10 s at most, until exactly <paramref name="count"/> clients are blocked (BLPOP, BZPOPMIN …).</summary>
    public async Task WaitForBlockedAsync(int count)
    {
        var deadline = Stopwatch.StartNew();
        while (Server.Blocking.BlockedClients != count)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), $"{Server.Blocking.BlockedClients} clients blocked, not {count}");
            await Task.Delay(5);
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
