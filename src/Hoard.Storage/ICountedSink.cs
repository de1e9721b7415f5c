namespace Hoard.Storage;

/// <summary>
/// Receives a known number of values the engine reads (LRANGE, LPOP with a count): <see cref="Start"/> once with the
/// count, then that many <see cref="IValueSink.Write"/> calls, all under the key's lock, so a reply's header and its
/// items always agree. Same rules as <see cref="IValueSink"/>.
/// </summary>
public interface ICountedSink : IValueSink
{
    /// <summary>How many values follow.</summary>
    void Start(int count);
}
