using System.Buffers;
using Hoard.Protocol.Tests.Support;

namespace Hoard.Protocol.Tests;

public sealed class CommandBufferTests
{
    private static CommandBuffer Read(string wire, CommandBuffer? command = null, bool segmented = false)
    {
        command ??= new CommandBuffer();
        var bytes = Wire.Bytes(wire);
        var input = segmented ? Sequences.Chunked(bytes, 3) : new ReadOnlySequence<byte>(bytes);
        Assert.True(new RespReader().TryRead(ref input, command, out _));
        return command;
    }

    [Fact]
    public void A_new_buffer_holds_no_request()
    {
        var command = new CommandBuffer();

        Assert.Equal(0, command.Count);
        Assert.True(command.Name.IsEmpty);
        Assert.False(command.NameEquals("GET"u8));
        Assert.False(command.IsBorrowed);
        Assert.False(command.IsInline);
    }

    [Theory]
    [InlineData("get")]
    [InlineData("GET")]
    [InlineData("gEt")]
    public void The_name_matches_ignoring_ASCII_case(string name)
    {
        var command = Read(Wire.Multibulk(name, "k"));

        Assert.True(command.NameEquals("GET"u8));
        Assert.False(command.NameEquals("GETSET"u8));
        Assert.False(command.NameEquals("GE"u8));
        Assert.Equal(name, Wire.Text(command.Name));
    }

    [Fact]
    public void Only_letters_fold_when_matching()
    {
        var command = Read(Wire.Multibulk("a_b", "@", "["));

        Assert.True(command.NameEquals("A_B"u8));
        Assert.False(command.ArgumentEquals(1, "`"u8));
        Assert.True(command.ArgumentEquals(1, "@"u8));
        Assert.False(command.ArgumentEquals(2, "{"u8));
    }

    [Fact]
    public void Arguments_match_ignoring_case_and_out_of_range_ones_do_not()
    {
        var command = Read("SET k v ex 10\r\n");

        Assert.True(command.ArgumentEquals(3, "EX"u8));
        Assert.False(command.ArgumentEquals(3, "PX"u8));
        Assert.False(command.ArgumentEquals(5, "EX"u8));
        Assert.False(command.ArgumentEquals(-1, "EX"u8));
    }

    [Fact]
    public void An_argument_can_be_copied_upper_cased_into_a_small_buffer()
    {
        var command = Read(Wire.Multibulk("client", "setName", "a-b_9"));
        Span<byte> upper = stackalloc byte[16];

        Assert.True(command.TryCopyUpper(1, upper, out var written));
        Assert.Equal("SETNAME", Wire.Text(upper[..written]));
        Assert.True(command.TryCopyUpper(2, upper, out written));
        Assert.Equal("A-B_9", Wire.Text(upper[..written]));
        Assert.False(command.TryCopyUpper(1, upper[..3], out written));
        Assert.Equal(0, written);
        Assert.False(command.TryCopyUpper(3, upper, out _));
    }

    [Fact]
    public void Reading_past_the_last_argument_throws()
    {
        var command = Read(Wire.Multibulk("PING"));

        Assert.Throws<ArgumentOutOfRangeException>(() => command[1].Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => command[-1].Length);
    }

    [Fact]
    public void The_argument_bytes_are_summed()
    {
        Assert.Equal(3 + 3 + 5, Read(Wire.Multibulk("SET", "key", "value")).ArgumentBytes);
        Assert.Equal(3 + 3 + 5, Read(Wire.Multibulk("SET", "key", "value"), segmented: true).ArgumentBytes);
        Assert.Equal(3 + 3 + 5, Read("SET key value\r\n").ArgumentBytes);
    }

    [Fact]
    public void Owning_borrowed_arguments_keeps_them_after_the_input_changes()
    {
        var wire = Wire.Bytes(Wire.Multibulk("SET", "key", "value"));
        var input = new ReadOnlySequence<byte>(wire);
        var command = new CommandBuffer();
        Assert.True(new RespReader().TryRead(ref input, command, out _));
        Assert.True(command.IsBorrowed);

        command.EnsureOwned();
        Array.Fill(wire, (byte)'#');

        Assert.False(command.IsBorrowed);
        Assert.Equal(["SET", "key", "value"], Wire.Args(command));
        command.EnsureOwned();
        Assert.Equal(["SET", "key", "value"], Wire.Args(command));
    }

    [Fact]
    public void A_copy_owns_its_arguments_and_outlives_the_input_and_the_source()
    {
        var wire = Wire.Bytes(Wire.Multibulk("SET", "key", "", new string('v', 10_000)));
        var input = new ReadOnlySequence<byte>(wire);
        var source = new CommandBuffer();
        Assert.True(new RespReader().TryRead(ref input, source, out _));
        using var copy = new CommandBuffer();
        Read("SOMETHING else entirely\r\n", copy); // the copy's memory is reused

        copy.CopyFrom(source);
        Array.Fill(wire, (byte)'#');
        Read("PING\r\n", source);

        Assert.False(copy.IsBorrowed);
        Assert.False(copy.IsInline);
        Assert.Equal(["SET", "key", "", new string('v', 10_000)], Wire.Args(copy));
        Assert.Equal(3 + 3 + 10_000, copy.ArgumentBytes);
        copy.CopyFrom(copy);
        Assert.Equal(4, copy.Count);
    }

    [Fact]
    public void Clear_forgets_the_request_and_the_buffer_is_reusable_after_Dispose()
    {
        var command = Read(Wire.Multibulk("SET", "key", "value"), segmented: true);

        command.Clear();
        Assert.Equal(0, command.Count);
        Assert.Equal(0, command.ArgumentBytes);

        command.Dispose();
        Read("PING\r\n", command);
        Assert.Equal(["PING"], Wire.Args(command));
        command.Dispose();
    }

    [Fact]
    public void Many_arguments_and_huge_ones_grow_the_buffer_as_needed()
    {
        var args = Enumerable.Range(0, 5000).Select(i => i.ToString()).ToArray();
        var big = new string('x', 3 * 1024 * 1024);
        var command = new CommandBuffer();

        Read(Wire.Multibulk(args), command, segmented: true);
        Assert.Equal(args, Wire.Args(command));
        Read(Wire.Multibulk("SET", "k", big), command, segmented: false);
        Read(Wire.Multibulk("SET", "k", big), command, segmented: true);
        Assert.Equal(big, Wire.Text(command[2]));
        Read(Wire.Multibulk("GET", "k"), command, segmented: true);
        Assert.Equal(["GET", "k"], Wire.Args(command));
    }
}
