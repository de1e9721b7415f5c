using System.Diagnostics;
using System.Text;
using Hoard.Server.Tests.Support;

namespace Hoard.IntegrationTests;

/// <summary>redis-cli and redis-benchmark (Debian's redis-tools) against a Hoard node.</summary>
public class RedisToolsTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task RedisCliRunsCommands()
    {
        await using var node = await TestNode.StartAsync();
        Assert.Equal("PONG", (await RunAsync("redis-cli", $"-p {node.Port} PING")).Trim());
        Assert.Equal("OK", (await RunAsync("redis-cli", $"-p {node.Port} SET k v")).Trim());
        Assert.Equal("v", (await RunAsync("redis-cli", $"-p {node.Port} GET k")).Trim());
    }

    [Fact]
    public async Task RedisCliPipeInsertsEveryKey()
    {
        await using var node = await TestNode.StartAsync();
        var input = new StringBuilder();
        for (var i = 0; i < 10_000; i++)
        {
            var key = $"key:{i:D8}";
            input.Append($"*3\r\n$3\r\nSET\r\n${key.Length}\r\n{key}\r\n$5\r\nvalue\r\n");
        }

        var output = await RunAsync("redis-cli", $"-p {node.Port} --pipe", input.ToString());
        Assert.Contains("errors: 0, replies: 10000", output, StringComparison.Ordinal);
        Assert.Equal(10_000, node.Server.Keyspace[0].Count);
    }

    [Fact]
    public async Task RedisBenchmarkRunsTheCoveredTestsWithoutErrors()
    {
        await using var node = await TestNode.StartAsync();
        var output = await RunAsync("redis-benchmark", $"-p {node.Port} -n 2000 -c 10 -q -t ping_inline,ping_mbulk,set,get,incr,mset");
        Assert.DoesNotContain("ERR", output, StringComparison.Ordinal);
        foreach (var test in new[] { "PING_INLINE:", "PING_MBULK:", "SET:", "GET:", "INCR:", "MSET (10 keys):" })
        {
            Assert.Contains(test, output, StringComparison.Ordinal);
        }
    }

    private static async Task<string> RunAsync(string file, string arguments, string? input = null)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException($"could not start {file}");
        try
        {
            if (input is not null)
            {
                await process.StandardInput.WriteAsync(input);
            }

            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(Bound);
            return await output + await error;
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
