using System.Text;

namespace Hoard.Storage.Tests.Support;

/// <summary>Reads lists as text for assertions.</summary>
public static class ListText
{
    /// <summary>Every element of the list at <paramref name="key"/>, head first (empty when missing).</summary>
    public static List<string> Range(Database db, string key, long start = 0, long stop = -1)
    {
        var sink = new Collect();
        db.ListRange(Encoding.UTF8.GetBytes(key), start, stop, ref sink);
        return sink.Items;
    }

    private struct Collect : ICountedSink
    {
        public Collect() => Items = [];

        public List<string> Items { get; }

        public readonly void Start(int count)
        {
        }

        public readonly void Write(scoped ReadOnlySpan<byte> value) => Items.Add(Encoding.UTF8.GetString(value));
    }
}
