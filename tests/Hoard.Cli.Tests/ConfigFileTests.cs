using Hoard.Server;
using Hoard.Server.Configuration;
using Hoard.Storage;

namespace Hoard.Cli.Tests;

public class ConfigFileTests
{
    [Fact]
    public void SplitHandlesQuotesAndEscapesLikeRedisConf()
    {
        Assert.Equal(["requirepass", "a b"], ConfigFile.Split("requirepass \"a b\""));
        Assert.Equal(["x", "tab\there", "q\"q", "hex\u0041"], ConfigFile.Split("x \"tab\\there\" \"q\\\"q\" \"hex\\x41\""));
        Assert.Equal(["single", "raw \\n stays"], ConfigFile.Split("single 'raw \\n stays'"));
        Assert.Null(ConfigFile.Split("broken \"unclosed"));
    }

    [Fact]
    public void FileSettingsAreReadInOrderSkippingCommentsAndFlagsComeAfter()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(path, ["# a comment", "", "port 7001", "bind 127.0.0.1 ::1", "maxmemory 100mb", "port 7002"]);
            var file = ConfigFile.Read(path).ToList();
            Assert.Equal([("port", "7001"), ("bind", "127.0.0.1 ::1"), ("maxmemory", "100mb"), ("port", "7002")], file);

            var options = new ServerOptions();
            foreach (var (name, value) in file.Concat(ConfigFile.FromFlags(["--port", "7003", "--maxmemory-policy", "allkeys-lru"])))
            {
                ConfigRegistry.Apply(options, name, value);
            }

            Assert.Equal(7003, options.Port);
            Assert.Equal(2, options.Bind.Count);
            Assert.Equal(100L * 1024 * 1024, options.Storage.MaxMemory);
            Assert.Equal(EvictionPolicy.AllKeysLru, options.Storage.Policy);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void BadInputGetsAClearError()
    {
        Assert.Throws<ConfigurationException>(() => ConfigFile.Read("/nonexistent/hoard.conf").ToList());
        Assert.Throws<ConfigurationException>(() => ConfigFile.FromFlags(["--port"]).ToList());
        Assert.Throws<ConfigurationException>(() => ConfigFile.FromFlags(["port", "1"]).ToList());
        var options = new ServerOptions();
        Assert.Contains("unknown setting", Assert.Throws<ArgumentException>(() => ConfigRegistry.Apply(options, "no-such-setting", "1")).Message,
            StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ConfigRegistry.Apply(options, "port", "70000"));
        Assert.Throws<ArgumentException>(() => ConfigRegistry.Apply(options, "maxmemory", "lots"));
        Assert.Throws<ArgumentException>(() => ConfigRegistry.Apply(options, "maxmemory-policy", "lru-ish"));
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("100", 100)]
    [InlineData("1k", 1000)]
    [InlineData("1kb", 1024)]
    [InlineData("3mb", 3L * 1024 * 1024)]
    [InlineData("2400KB", 2400L * 1024)]
    [InlineData("1g", 1_000_000_000)]
    [InlineData("1GB", 1L << 30)]
    public void MemorySizesUseRedisUnits(string text, long bytes)
    {
        Assert.True(MemorySize.TryParse(text, out var parsed));
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("mb")]
    [InlineData("-1")]
    [InlineData("1tb")]
    [InlineData("99999999999999999999gb")]
    public void InvalidMemorySizesAreRefused(string text) => Assert.False(MemorySize.TryParse(text, out _));
}
