using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;

namespace Hoard.Protocol;

/// <summary>
/// One parsed request — the command name and its arguments — filled by <see cref="RespReader.TryRead"/> and reused
/// for every request of a connection, so that parsing allocates nothing in steady state.
/// See the <see href="https://redis.io/docs/latest/develop/reference/protocol-spec/#sending-commands-to-a-redis-server">RESP
/// specification</see>.
/// </summary>
/// <remarks>
/// <para>
/// Arguments are either <em>borrowed</em> — offsets into the reader's input, when the whole request sat in its first
/// segment — or <em>owned</em>: copied into one pooled byte buffer. Borrowed arguments stay valid only while that
/// input does (until the <c>PipeReader</c> is advanced past them); call <see cref="EnsureOwned"/> to keep a request
/// longer. Either way the next <see cref="RespReader.TryRead"/> with this buffer overwrites the arguments, and after a
/// <c>TryRead</c> that returned false the contents are unspecified.
/// </para>
/// <para>Not thread-safe: one instance per connection.</para>
/// </remarks>
public sealed class CommandBuffer : IDisposable
{
    private const int InitialArguments = 16;
    private const int InitialArena = 4 * 1024;

    // Arenas up to this size come from the shared pool; larger ones (rare, huge arguments) are allocated exactly
    // and dropped when the next request starts.
    private const int MaxPooledArena = 1024 * 1024;

    // A ranges array grown past this by one huge request is given back when the next request starts.
    private const int MaxRetainedArguments = 64 * 1024;

    private ArgRange[] _ranges = new ArgRange[InitialArguments];
    private int _count;
    private byte[] _arena = [];
    private bool _arenaPooled;
    private int _arenaUsed;
    private ReadOnlyMemory<byte> _borrowed;
    private bool _isBorrowed;
    private long _argumentBytes;

    /// <summary>How many arguments the request has, the command name included; never 0 after a successful read.</summary>
    public int Count => _count;

    /// <summary>True when the arguments point into the reader's input rather than into this buffer's own memory.</summary>
    public bool IsBorrowed => _isBorrowed;

    /// <summary>True when the request came as an inline command (<c>PING\r\n</c>) rather than a multibulk array.</summary>
    public bool IsInline { get; private set; }

    /// <summary>The total length of all arguments in bytes (what Redis calls <c>argv_len_sum</c>).</summary>
    public long ArgumentBytes => _argumentBytes;

    /// <summary>The command name, i.e. argument 0, as sent (any case); empty when the buffer holds no request.</summary>
    public ReadOnlySpan<byte> Name => _count == 0 ? default : this[0];

    /// <summary>Argument <paramref name="index"/> (0 is the command name), binary-safe.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="Count"/>.</exception>
    public ReadOnlySpan<byte> this[int index]
    {
        get
        {
            if ((uint)index >= (uint)_count)
            {
                ThrowIndex(index);
            }

            var range = _ranges[index];
            return _isBorrowed
                ? _borrowed.Span.Slice(range.Start, range.Length)
                : new ReadOnlySpan<byte>(_arena, range.Start, range.Length);
        }
    }

    /// <summary>
    /// True when the command name equals <paramref name="upperAscii"/> ignoring ASCII case, as Redis's command lookup
    /// does; e.g. <c>command.NameEquals("GET"u8)</c>.
    /// </summary>
    public bool NameEquals(ReadOnlySpan<byte> upperAscii) => _count != 0 && ArgumentEquals(0, upperAscii);

    /// <summary>
    /// True when argument <paramref name="index"/> equals <paramref name="upperAscii"/> ignoring ASCII case; for
    /// subcommands and options such as <c>"EX"u8</c>. False when the index is out of range.
    /// </summary>
    public bool ArgumentEquals(int index, ReadOnlySpan<byte> upperAscii) =>
        (uint)index < (uint)_count && Ascii.EqualsIgnoreCase(this[index], upperAscii);

    /// <summary>
    /// Copies argument <paramref name="index"/> into <paramref name="destination"/> with ASCII letters upper-cased
    /// (other bytes unchanged), e.g. into a small stack buffer for a command-table lookup.
    /// </summary>
    /// <returns>False, copying nothing, when the index is out of range or the argument does not fit.</returns>
    public bool TryCopyUpper(int index, Span<byte> destination, out int written)
    {
        written = 0;
        if ((uint)index >= (uint)_count)
        {
            return false;
        }

        var source = this[index];
        if (source.Length > destination.Length)
        {
            return false;
        }

        for (var i = 0; i < source.Length; i++)
        {
            var b = source[i];
            destination[i] = (uint)(b - 'a') <= 'z' - 'a' ? (byte)(b - 0x20) : b;
        }

        written = source.Length;
        return true;
    }

    /// <summary>
    /// Copies borrowed arguments into this buffer's own memory so that they outlive the reader's input (e.g. for a
    /// command queued by MULTI or handed to another thread). Does nothing when they are already owned.
    /// </summary>
    public void EnsureOwned()
    {
        if (!_isBorrowed)
        {
            return;
        }

        var source = _borrowed.Span;
        var total = (int)_argumentBytes;
        if (_arena.Length < total)
        {
            ReplaceArena(total, preserve: 0);
        }

        var at = 0;
        for (var i = 0; i < _count; i++)
        {
            ref var range = ref _ranges[i];
            source.Slice(range.Start, range.Length).CopyTo(_arena.AsSpan(at));
            range = new ArgRange(at, range.Length);
            at += range.Length;
        }

        _arenaUsed = at;
        _borrowed = default;
        _isBorrowed = false;
    }

    /// <summary>
    /// Makes this buffer an owned copy of <paramref name="source"/>'s request (e.g. a command MULTI queues), reusing
    /// this buffer's memory.
    /// </summary>
    public void CopyFrom(CommandBuffer source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (ReferenceEquals(source, this))
        {
            EnsureOwned();
            return;
        }

        BeginOwned(source.IsInline);
        for (var i = 0; i < source.Count; i++)
        {
            var argument = source[i];
            if (!TryReserve(argument.Length, out var start))
            {
                throw new InvalidOperationException("The request is too large to copy.");
            }

            argument.CopyTo(ArenaSpan(start, argument.Length));
            AddArgument(start, argument.Length);
        }
    }

    /// <summary>Forgets the current request (<see cref="Count"/> becomes 0), keeping the memory for the next.</summary>
    public void Clear()
    {
        _count = 0;
        _arenaUsed = 0;
        _argumentBytes = 0;
        _borrowed = default;
        _isBorrowed = false;
        IsInline = false;
    }

    /// <summary>Returns pooled memory. The buffer stays usable and rents again when next filled.</summary>
    public void Dispose()
    {
        Clear();
        ReleaseArena();
    }

    /// <summary>Starts a request whose arguments are slices of <paramref name="source"/>.</summary>
    internal void BeginBorrowed(ReadOnlyMemory<byte> source)
    {
        StartRequest();
        _borrowed = source;
        _isBorrowed = true;
    }

    /// <summary>Starts a request whose arguments are copied into the arena.</summary>
    internal void BeginOwned(bool inline)
    {
        StartRequest();
        IsInline = inline;
    }

    /// <summary>Records an argument at <paramref name="start"/> in the borrowed source or the arena.</summary>
    internal void AddArgument(int start, int length)
    {
        if (_count == _ranges.Length)
        {
            Array.Resize(ref _ranges, _ranges.Length * 2);
        }

        _ranges[_count++] = new ArgRange(start, length);
        _argumentBytes += length;
    }

    /// <summary>
    /// Reserves <paramref name="length"/> bytes at the end of the arena, keeping what the request already holds.
    /// </summary>
    /// <returns>False when the request would outgrow the largest possible array.</returns>
    internal bool TryReserve(int length, out int start)
    {
        start = _arenaUsed;
        var needed = (long)_arenaUsed + length;
        if (needed > Array.MaxLength)
        {
            return false;
        }

        if (needed > _arena.Length)
        {
            var grown = Math.Max(needed, Math.Min(Math.Max(_arena.Length * 2L, InitialArena), Array.MaxLength));
            ReplaceArena((int)grown, preserve: _arenaUsed);
        }

        _arenaUsed = (int)needed;
        return true;
    }

    /// <summary>The arena bytes from <paramref name="start"/> for <paramref name="length"/>, for the reader to fill.</summary>
    internal Span<byte> ArenaSpan(int start, int length) => _arena.AsSpan(start, length);

    /// <summary>Gives back arena bytes reserved past <paramref name="end"/> (an inline line longer than its arguments).</summary>
    internal void TrimArena(int end) => _arenaUsed = end;

    private void StartRequest()
    {
        Clear();
        if (!_arenaPooled && _arena.Length > MaxPooledArena)
        {
            _arena = [];
        }

        if (_ranges.Length > MaxRetainedArguments)
        {
            _ranges = new ArgRange[InitialArguments];
        }
    }

    private void ReplaceArena(int size, int preserve)
    {
        byte[] next;
        bool pooled;
        if (size <= MaxPooledArena)
        {
            next = ArrayPool<byte>.Shared.Rent(size);
            pooled = true;
        }
        else
        {
            next = GC.AllocateUninitializedArray<byte>(size);
            pooled = false;
        }

        _arena.AsSpan(0, preserve).CopyTo(next);
        ReleaseArena();
        _arena = next;
        _arenaPooled = pooled;
    }

    private void ReleaseArena()
    {
        if (_arenaPooled)
        {
            ArrayPool<byte>.Shared.Return(_arena);
        }

        _arena = [];
        _arenaPooled = false;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowIndex(int index) =>
        throw new ArgumentOutOfRangeException(nameof(index), index, $"The request has {_count} arguments.");

    private readonly record struct ArgRange(int Start, int Length);
}
