using System.Buffers;
using Hoard.Protocol.Tests.Support;

namespace Hoard.Protocol.Tests;

/// <summary>Incomplete input: nothing consumed, how much more is needed, and resuming a request split across reads.</summary>
public sealed partial class RespReaderTests
{
    [Theory]
    [InlineData("*", 2)]
    [InlineData("*2", 3)]
    [InlineData("*2\r", 4)]
    [InlineData("*2\r\n", 5)]
    [InlineData("*2\r\n$3", 7)]
    [InlineData("*2\r\n$3\r", 8)]
    [InlineData("*2\r\n$3\r\n", 13)]
    [InlineData("*2\r\n$3\r\nGET", 13)]
    [InlineData("*2\r\n$3\r\nGET\r", 13)]
    [InlineData("*2\r\n$3\r\nGET\r\n", 14)]
    [InlineData("*2\r\n$3\r\nGET\r\n$1\r\n", 20)]
    [InlineData("*2\r\n$3\r\nGET\r\n$1\r\nk\r", 20)]
    [InlineData("GET k", 6)]
    [InlineData("GET k\r", 7)]
    public void An_incomplete_request_consumes_nothing_and_says_how_many_bytes_it_needs(string wire, long needed)
    {
        var reader = new RespReader();
        var input = new ReadOnlySequence<byte>(Wire.Bytes(wire));
        var before = input;

        Assert.False(reader.TryRead(ref input, new CommandBuffer(), out var error));

        Assert.False(error.IsError);
        Assert.Equal(before.Start, input.Start);
        Assert.Equal(before.Length, input.Length);
        Assert.Equal(needed, reader.BytesNeeded);
    }

    [Fact]
    public void Every_proper_prefix_of_a_request_is_incomplete_and_the_whole_parses()
    {
        var wire = Wire.Bytes(Wire.Multibulk("SET", "key", "\r\n\0value") + "MGET a b\r\n");
        for (var length = 1; length < wire.Length; length++)
        {
            var outcome = ReaderHarness.Whole(wire[..length]);
            Assert.False(outcome.Error.IsError);
            Assert.True(outcome.BytesNeeded > outcome.Unconsumed, $"prefix {length}: {outcome}");
        }

        AssertCommands(Wire.Text(wire), ["SET", "key", "\r\n\0value"], ["MGET", "a", "b"]);
    }

    [Fact]
    public void A_request_split_across_reads_is_resumed_where_it_stopped()
    {
        var wire = Wire.Bytes(Wire.Multibulk("MSET", "a", "1", "b", "2"));
        var reader = new RespReader();
        var command = new CommandBuffer();

        var first = new ReadOnlySequence<byte>(wire, 0, 25);
        Assert.False(reader.TryRead(ref first, command, out _));
        Assert.True(reader.HasPartialRequest);

        var all = Sequences.SplitAt(wire, 25);
        Assert.True(reader.TryRead(ref all, command, out _));
        Assert.False(reader.HasPartialRequest);
        Assert.Equal(["MSET", "a", "1", "b", "2"], Wire.Args(command));
        Assert.True(all.IsEmpty);
    }

    [Fact]
    public void A_shorter_buffer_or_another_command_buffer_restarts_a_partial_request()
    {
        var wire = Wire.Bytes(Wire.Multibulk("GET", "key") + Wire.Multibulk("PING"));
        var reader = new RespReader();
        var command = new CommandBuffer();
        var partial = new ReadOnlySequence<byte>(wire, 0, 15);
        Assert.False(reader.TryRead(ref partial, command, out _));

        // Another command buffer: the request is parsed from the start into it.
        var other = new CommandBuffer();
        var whole = Sequences.SplitAt(wire, 3);
        Assert.True(reader.TryRead(ref whole, other, out _));
        Assert.Equal(["GET", "key"], Wire.Args(other));

        // A buffer shorter than the one that was found incomplete: also a fresh start.
        partial = new ReadOnlySequence<byte>(wire, 0, 15);
        Assert.False(reader.TryRead(ref partial, command, out _));
        var next = Sequences.SplitAt(wire.AsMemory(22), 2);
        Assert.True(reader.TryRead(ref next, command, out _));
        Assert.Equal(["PING"], Wire.Args(command));
    }

    [Fact]
    public void Reset_forgets_a_partial_request()
    {
        var reader = new RespReader();
        var partial = new ReadOnlySequence<byte>(Wire.Bytes("*2\r\n$3\r\nGET\r\n"));
        Assert.False(reader.TryRead(ref partial, new CommandBuffer(), out _));
        Assert.True(reader.HasPartialRequest);

        reader.Reset();

        Assert.False(reader.HasPartialRequest);
    }

    [Fact]
    public void An_empty_buffer_needs_one_byte()
    {
        var reader = new RespReader();
        var input = ReadOnlySequence<byte>.Empty;

        Assert.False(reader.TryRead(ref input, new CommandBuffer(), out var error));

        Assert.False(error.IsError);
        Assert.Equal(1, reader.BytesNeeded);
    }

    [Fact]
    public void A_reader_needs_options_and_a_command_buffer()
    {
        Assert.Throws<ArgumentNullException>(() => new RespReader(null!));
        var input = ReadOnlySequence<byte>.Empty;
        Assert.Throws<ArgumentNullException>(() => new RespReader().TryRead(ref input, null!, out _));
    }
}
