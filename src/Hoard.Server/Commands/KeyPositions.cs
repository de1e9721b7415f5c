using System.Buffers.Text;
using Hoard.Protocol;

namespace Hoard.Server.Commands;

/// <summary>
/// Enumerates the positions of a command's key arguments as its definition declares them: the fixed range
/// (<see cref="CommandDefinition.FirstKey"/>, <see cref="CommandDefinition.LastKey"/>, <see cref="CommandDefinition.Step"/>)
/// and then the keys counted by a <c>numkeys</c> argument (<see cref="CommandDefinition.KeyCountAt"/>). Positions past
/// the arguments given, or a <c>numkeys</c> that is not a positive integer, yield nothing more: the handler reports
/// the error. Allocates nothing.
/// </summary>
public struct KeyPositions
{
    private readonly int _step;
    private readonly int _fixedLast;
    private readonly int _countedFirst;
    private readonly int _countedLast;
    private readonly int _offset;
    private int _next;
    private bool _counting;

    internal KeyPositions(CommandDefinition definition, CommandBuffer args, int offset)
    {
        _offset = offset;
        var count = args.Count - offset;
        _step = Math.Max(1, definition.Step);
        _fixedLast = definition.FirstKey == 0 ? -1
            : definition.LastKey < 0 ? count + definition.LastKey : Math.Min(definition.LastKey, count - 1);
        _countedFirst = definition.KeyCountAt + 1;
        _countedLast = -1;
        var at = definition.KeyCountAt;
        if (at != 0 && at < count && Utf8Parser.TryParse(args[offset + at], out int keys, out var used) && used == args[offset + at].Length
            && keys > 0)
        {
            _countedLast = Math.Min(count - 1, at + keys);
        }

        _next = definition.FirstKey;
        _counting = false;
        Current = 0;
    }

    /// <summary>The current key's position in the arguments.</summary>
    public int Current { get; private set; }

    /// <summary>This enumerator (for <c>foreach</c>).</summary>
    public readonly KeyPositions GetEnumerator() => this;

    /// <summary>Moves to the next key position.</summary>
    public bool MoveNext()
    {
        if (!_counting)
        {
            if (_next > 0 && _next <= _fixedLast)
            {
                Current = _offset + _next;
                _next += _step;
                return true;
            }

            _counting = true;
            _next = _countedFirst;
        }

        if (_next <= _countedLast)
        {
            Current = _offset + _next++;
            return true;
        }

        return false;
    }
}
