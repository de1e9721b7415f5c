using System.Globalization;
using System.Text;
using Hoard.Storage.Keys;

namespace Hoard.Bench.ClusterBench;

/// <summary>
/// A short hash tag for every slot (the first of <c>0, 1, 2, …</c> that hashes there), so a key can be made for any
/// slot at once: <c>prefix{tag}suffix</c> lives in the tag's slot.
/// </summary>
internal static class SlotTags
{
    private static readonly Lazy<string[]> Tags = new(Find);

    /// <summary>A key in <paramref name="slot"/>.</summary>
    public static string Key(string prefix, int slot, long n) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}{{{Tags.Value[slot]}}}{n}");

    /// <summary>The slot of a key, as the server computes it.</summary>
    public static int SlotOf(string key) => HashSlot.Of(Encoding.UTF8.GetBytes(key));

    private static string[] Find()
    {
        var tags = new string[HashSlot.Count];
        var missing = HashSlot.Count;
        for (var n = 0; missing > 0; n++)
        {
            var tag = n.ToString(CultureInfo.InvariantCulture);
            var slot = HashSlot.Of(Encoding.ASCII.GetBytes(tag));
            if (tags[slot] is null)
            {
                tags[slot] = tag;
                missing--;
            }
        }

        return tags;
    }
}
