using Hoard.Server.Replication;

namespace Hoard.Server.Tests.Replication;

/// <summary>The backlog ring: what it keeps for replicas that reconnect, and for a connected replica that lags.</summary>
public class ReplicationBacklogTests
{
    private const int Capacity = 16 * 1024;

    private static byte[] Record(int length, int seed) => [.. Enumerable.Range(0, length).Select(i => (byte)(i + seed))];

    private static async Task<byte[]> ReadAllAsync(ReplicationBacklog backlog, BacklogReader reader)
    {
        var read = new List<byte>();
        var buffer = new byte[4096];
        while (reader.Position < backlog.Offset)
        {
            var count = await backlog.ReadAsync(reader, buffer, CancellationToken.None);
            Assert.True(count > 0, "the reader lost its place");
            read.AddRange(buffer.AsSpan(0, count));
        }

        return [.. read];
    }

    [Fact]
    public void Without_readers_it_holds_its_capacity_and_no_more()
    {
        var backlog = new ReplicationBacklog(Capacity);
        for (var i = 0; i < 10; i++)
        {
            backlog.Write(Record(4000, i));
        }

        Assert.Equal(40_000, backlog.Offset);
        Assert.Equal(Capacity, backlog.Size);
        Assert.Equal(40_000 - Capacity, backlog.FirstOffset);
        Assert.False(backlog.Holds(40_000 - Capacity - 1));
        Assert.Null(backlog.OpenReader(0));
    }

    [Fact]
    public async Task A_lagging_reader_keeps_every_byte_it_has_not_read_then_the_ring_shrinks_back()
    {
        var backlog = new ReplicationBacklog(Capacity, startOffset: 100, retainLimit: 1024 * 1024);
        using var reader = backlog.OpenReader(100)!;
        var written = new List<byte>();
        for (var i = 0; i < 50; i++)
        {
            var record = Record(3000, i);
            backlog.Write(record);
            written.AddRange(record);
        }

        Assert.True(backlog.Size >= 150_000, $"ring of {backlog.Size} bytes");
        Assert.Equal(100, backlog.FirstOffset);
        Assert.Equal(written, await ReadAllAsync(backlog, reader));

        backlog.Write(Record(10, 0)); // the reader caught up: the next write gives the memory back
        Assert.Equal(Capacity, backlog.Size);
        Assert.Equal(backlog.Offset - Capacity, backlog.FirstOffset);
        Assert.Equal(Record(10, 0), await ReadAllAsync(backlog, reader));
    }

    [Fact]
    public async Task A_reader_further_behind_than_the_retain_limit_must_resynchronise()
    {
        var backlog = new ReplicationBacklog(Capacity, retainLimit: 64 * 1024);
        using var reader = backlog.OpenReader(0)!;
        for (var i = 0; i < 21; i++)
        {
            backlog.Write(Record(3000, i));
        }

        Assert.Equal(64 * 1024, backlog.Size); // 63,000 bytes unread: held
        for (var i = 0; i < 9; i++)
        {
            backlog.Write(Record(3000, i));
        }

        Assert.Equal(-1, await backlog.ReadAsync(reader, new byte[100], CancellationToken.None));
        Assert.Equal(Capacity, backlog.Size); // a reader that lost its place holds no memory
    }

    [Fact]
    public void A_disposed_reader_holds_nothing()
    {
        var backlog = new ReplicationBacklog(Capacity, retainLimit: 1024 * 1024);
        backlog.OpenReader(0)!.Dispose();
        for (var i = 0; i < 20; i++)
        {
            backlog.Write(Record(3000, i));
        }

        Assert.Equal(Capacity, backlog.Size);
    }
}
