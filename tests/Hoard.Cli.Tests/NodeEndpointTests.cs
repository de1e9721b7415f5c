namespace Hoard.Cli.Tests;

public class NodeEndpointTests
{
    [Theory]
    [InlineData("127.0.0.1:7000", "127.0.0.1", 7000)]
    [InlineData("localhost:1", "localhost", 1)]
    [InlineData("[::1]:7000", "::1", 7000)]
    [InlineData("node-3.example:65535", "node-3.example", 65535)]
    public void ParsesHostAndPort(string text, string host, int port)
    {
        Assert.Equal(new NodeEndpoint(host, port), NodeEndpoint.Parse(text));
    }

    [Theory]
    [InlineData("7000")]
    [InlineData("host:")]
    [InlineData(":7000")]
    [InlineData("host:0")]
    [InlineData("host:70000")]
    [InlineData("host:-1")]
    [InlineData("host:7000@17000")]
    public void RefusesWhatIsNotHostColonPort(string text)
    {
        Assert.Equal($"'{text}' is not host:port", Assert.Throws<ConfigurationException>(() => NodeEndpoint.Parse(text)).Message);
    }

    [Fact]
    public void PrintsIpv6InBrackets()
    {
        Assert.Equal("[::1]:7000", new NodeEndpoint("::1", 7000).ToString());
        Assert.Equal("127.0.0.1:7000", new NodeEndpoint("127.0.0.1", 7000).ToString());
    }
}
