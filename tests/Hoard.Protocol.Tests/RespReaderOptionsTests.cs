namespace Hoard.Protocol.Tests;

public sealed class RespReaderOptionsTests
{
    [Fact]
    public void The_defaults_are_Redis_defaults()
    {
        var options = new RespReaderOptions();

        Assert.Equal(512L * 1024 * 1024, options.MaxBulkLength);
        Assert.Equal(1024L * 1024 * 1024, options.QueryBufferLimit);
    }

    [Fact]
    public void Limits_range_from_1_MB_to_the_largest_array()
    {
        var options = new RespReaderOptions
        {
            MaxBulkLength = 1024 * 1024,
            QueryBufferLimit = Array.MaxLength,
        };

        Assert.Equal(1024 * 1024, options.MaxBulkLength);
        Assert.Equal(Array.MaxLength, options.QueryBufferLimit);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxBulkLength = (1024 * 1024) - 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxBulkLength = Array.MaxLength + 1L);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.QueryBufferLimit = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.QueryBufferLimit = long.MaxValue);
    }

    [Fact]
    public void Readers_sharing_options_see_a_change_at_once()
    {
        var options = new RespReaderOptions();
        var reader = new RespReader(options);

        options.MaxBulkLength = 2 * 1024 * 1024;

        Assert.Same(options, reader.Options);
        Assert.Equal(2 * 1024 * 1024, reader.Options.MaxBulkLength);
    }
}
