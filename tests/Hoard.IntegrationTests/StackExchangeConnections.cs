using Hoard.Server.Tests.Support;
using StackExchange.Redis;

namespace Hoard.IntegrationTests;

/// <summary>A StackExchange.Redis connection to a test node, as the StackExchange.Redis tests of each data type open it.</summary>
internal static class StackExchangeConnections
{
    /// <summary>How long a connection or a command may take.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    /// <summary>Connects to <paramref name="node"/> in <paramref name="protocol"/>, failing fast when it cannot.</summary>
    public static async Task<ConnectionMultiplexer> ConnectAsync(TestNode node, RedisProtocol protocol, string? password = null)
    {
        var options = new ConfigurationOptions
        {
            EndPoints = { { "127.0.0.1", node.Port } },
            Protocol = protocol,
            Password = password,
            ConnectTimeout = 5000,
            SyncTimeout = 5000,
            AbortOnConnectFail = true,
        };
        return await ConnectionMultiplexer.ConnectAsync(options).WaitAsync(Bound);
    }
}
