using Hoard.Storage.Internal;

namespace Hoard.Storage.Tests.Support;

/// <summary>
/// A keyspace on a manual clock for one test, checked for integrity when the test ends (xunit creates one
/// instance per test and disposes it).
/// </summary>
public abstract class KeyspaceFixture : IDisposable
{
    protected KeyspaceFixture(StorageOptions options)
    {
        Keyspace = new Keyspace(options, Clock);
        Db = Keyspace[0];
    }

    protected ManualTimeProvider Clock { get; } = new();

    protected Keyspace Keyspace { get; }

    protected Database Db { get; }

    /// <summary>An absolute expiry <paramref name="ms"/> milliseconds from the clock's now.</summary>
    protected long In(long ms) => Clock.NowMs + ms;

    public void Dispose()
    {
        Keyspace.CheckIntegrity();
        Keyspace.Dispose();
        GC.SuppressFinalize(this);
    }
}
