using System.Buffers;
using Hoard.Protocol.Tests.Support;

namespace Hoard.Protocol.Tests;

public sealed partial class RespReaderTests
{
    [Fact]
    public void A_multibulk_command_is_parsed_into_its_arguments() =>
        AssertCommands("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n", ["SET", "key", "value"]);

    [Fact]
    public void A_single_word_multibulk_command_is_parsed() =>
        AssertCommands("*1\r\n$4\r\nPING\r\n", ["PING"]);

    [Fact]
    public void Pipelined_commands_in_one_buffer_are_read_one_per_call() =>
        AssertCommands(
            "*2\r\n$3\r\nGET\r\n$1\r\na\r\n*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n*1\r\n$4\r\nPING\r\n",
            ["GET", "a"], ["SET", "b", "2"], ["PING"]);

    [Fact]
    public void Arguments_are_binary_safe() =>
        AssertCommands("*3\r\n$3\r\nSET\r\n$4\r\n\0\r\n\0\r\n$6\r\n\r\n\xFF\x80$*\r\n", ["SET", "\0\r\n\0", "\r\n\xFF\x80$*"]);

    [Fact]
    public void An_empty_argument_is_kept() =>
        AssertCommands("*3\r\n$3\r\nSET\r\n$0\r\n\r\n$0\r\n\r\n", ["SET", "", ""]);

    [Theory]
    [InlineData("*0\r\n")]
    [InlineData("*-1\r\n")]
    [InlineData("*-10\r\n")]
    public void An_empty_or_negative_multibulk_count_is_skipped(string empty) =>
        AssertCommands(empty + empty + "*1\r\n$4\r\nPING\r\n" + empty, ["PING"]);

    [Fact]
    public void Input_of_only_empty_requests_is_consumed_without_a_command()
    {
        var reader = new RespReader();
        var input = new ReadOnlySequence<byte>(Wire.Bytes("*0\r\n*-1\r\n\r\n"));

        Assert.False(reader.TryRead(ref input, new CommandBuffer(), out var error));

        Assert.False(error.IsError);
        Assert.True(input.IsEmpty);
    }

    [Fact]
    public void Like_Redis_the_byte_after_a_header_CR_and_the_two_after_bulk_data_are_skipped_unchecked() =>
        AssertCommands("*2\rX$3\rYGETxy$1\r\nkAB*1\r\n$4\r\nPING\r\n", ["GET", "k"], ["PING"]);

    [Fact]
    public void A_command_name_is_matched_ignoring_case_after_parsing()
    {
        var reader = new RespReader();
        var command = new CommandBuffer();
        var input = new ReadOnlySequence<byte>(Wire.Bytes(Wire.Multibulk("gEt", "Key")));

        Assert.True(reader.TryRead(ref input, command, out _));

        Assert.True(command.NameEquals("GET"u8));
        Assert.Equal("Key", Wire.Text(command[1]));
    }

    [Fact]
    public void A_request_inside_the_first_segment_is_borrowed_and_one_across_segments_is_copied()
    {
        var wire = Wire.Bytes(Wire.Multibulk("GET", "key"));
        var reader = new RespReader();
        var command = new CommandBuffer();

        var whole = new ReadOnlySequence<byte>(wire);
        Assert.True(reader.TryRead(ref whole, command, out _));
        Assert.True(command.IsBorrowed);
        Assert.False(command.IsInline);

        var split = Sequences.SplitAt(wire, 10);
        Assert.True(reader.TryRead(ref split, command, out _));
        Assert.False(command.IsBorrowed);
        Assert.Equal(["GET", "key"], Wire.Args(command));
    }

    [Fact]
    public void Empty_segments_anywhere_in_the_input_are_harmless()
    {
        var wire = Wire.Bytes(Wire.Multibulk("GET", "key"));
        var input = Sequences.Create(ReadOnlyMemory<byte>.Empty, wire.AsMemory(0, 5), ReadOnlyMemory<byte>.Empty, wire.AsMemory(5), ReadOnlyMemory<byte>.Empty);

        var outcome = ReaderHarness.Drain(new RespReader(), new CommandBuffer(), input);

        Assert.Equal([["GET", "key"]], outcome.Commands);
        Assert.Equal(0, outcome.Unconsumed);
    }

    [Fact]
    public void A_one_megabyte_argument_arrives_intact_across_many_segments()
    {
        var value = new byte[1024 * 1024];
        new Random(42).NextBytes(value);
        var header = Wire.Bytes($"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n${value.Length}\r\n");
        byte[] wire = [.. header, .. value, .. "\r\n"u8, .. Wire.Bytes(Wire.Multibulk("PING"))];
        var command = new CommandBuffer();

        foreach (var size in new[] { 4096, 1000, 65536 })
        {
            var reader = new RespReader();
            var input = Sequences.Chunked(wire, size);
            Assert.True(reader.TryRead(ref input, command, out _));
            Assert.Equal(3, command.Count);
            Assert.True(command[2].SequenceEqual(value));
            Assert.True(reader.TryRead(ref input, command, out _));
            Assert.True(command.NameEquals("PING"u8));
        }

        var incremental = ReaderHarness.Incremental(wire, 4096, segmentPerStep: true);
        Assert.Equal(2, incremental.Commands.Count);
        Assert.Equal(Wire.Text(value), incremental.Commands[0][2]);
    }

    [Fact]
    public void A_large_argument_announces_the_whole_request_size_as_bytes_needed()
    {
        var header = Wire.Bytes("*2\r\n$3\r\nSET\r\n$1000000\r\n");
        var reader = new RespReader();
        var input = new ReadOnlySequence<byte>(header);

        Assert.False(reader.TryRead(ref input, new CommandBuffer(), out var error));

        Assert.False(error.IsError);
        Assert.Equal(header.Length + 1_000_000 + 2, reader.BytesNeeded);
        Assert.True(reader.HasPartialRequest);
    }
}
