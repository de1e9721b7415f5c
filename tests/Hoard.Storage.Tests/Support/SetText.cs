using System.Text;

namespace Hoard.Storage.Tests.Support;

/// <summary>Set commands with strings, for tests.</summary>
public static class SetText
{
    public static ArrayElements Elements(params string[] items) => new([.. items.Select(Encoding.UTF8.GetBytes)]);

    public static StorageStatus SAdd(this Database db, string key, params string[] members) =>
        db.SetAdd(Encoding.UTF8.GetBytes(key), Elements(members), out _);

    /// <summary>The members, sorted; empty for a missing key.</summary>
    public static List<string> SMembers(this Database db, string key)
    {
        var sink = new PairList();
        db.SetMembers(Encoding.UTF8.GetBytes(key), ref sink);
        return [.. sink.Firsts.Order(StringComparer.Ordinal)];
    }

    /// <summary>A set's description for state comparisons: encoding and sorted members.</summary>
    public static string DescribeSet(this Database db, string key) =>
        $"{db.EncodingOf(Encoding.UTF8.GetBytes(key))} {string.Join(",", db.SMembers(key))}";
}
