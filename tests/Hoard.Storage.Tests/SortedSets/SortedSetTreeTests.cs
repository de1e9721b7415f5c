using System.Text;
using Hoard.Storage.SortedSets;

namespace Hoard.Storage.Tests.SortedSets;

public class SortedSetTreeTests
{
    private static readonly Comparer<(double Score, string Member)> Order = Comparer<(double Score, string Member)>.Create(
        (a, b) => a.Score != b.Score ? a.Score.CompareTo(b.Score) : string.CompareOrdinal(a.Member, b.Member));

    private sealed class Collect : List<(double Score, string Member)>;

    private struct Collector(Collect into) : IScoredVisitor
    {
        public readonly bool Visit(scoped ReadOnlySpan<byte> member, double score)
        {
            into.Add((score, Encoding.ASCII.GetString(member)));
            return true;
        }
    }

    private static List<(double Score, string Member)> Walk(SortedSetTree tree, int start, int end, bool reverse)
    {
        var into = new Collect();
        var collector = new Collector(into);
        tree.Walk(start, end, reverse, ref collector);
        return [.. into];
    }

    [Fact]
    public void RanksRangesAndScoresStayCorrectThrough100kInsertsAndRemovals()
    {
        var random = new Random(42);
        var tree = new SortedSetTree();
        var model = new SortedSet<(double Score, string Member)>(Order);
        var scores = new Dictionary<string, double>();
        for (var i = 0; i < 100_000; i++)
        {
            var member = "m" + random.Next(150_000);
            var score = random.Next(1000) / 4.0;
            if (scores.TryGetValue(member, out var old))
            {
                Assert.True(tree.Remove(Encoding.ASCII.GetBytes(member)));
                model.Remove((old, member));
            }

            tree.Insert(Encoding.ASCII.GetBytes(member), score);
            model.Add((score, member));
            scores[member] = score;
        }

        // Remove a third, some by member, some by rank, so leaves merge and empty out.
        var members = scores.Keys.ToList();
        for (var i = 0; i < members.Count / 3; i++)
        {
            var member = members[random.Next(members.Count)];
            if (scores.Remove(member, out var score))
            {
                Assert.True(tree.Remove(Encoding.ASCII.GetBytes(member)));
                model.Remove((score, member));
            }
        }

        var sorted = model.ToList();
        for (var i = 0; i < 2000; i++)
        {
            var rank = random.Next(sorted.Count);
            tree.RemoveAt(rank);
            scores.Remove(sorted[rank].Member);
            sorted.RemoveAt(rank);
        }

        Assert.Equal(sorted.Count, tree.Count);
        Assert.Equal(tree.RecountBytes(), tree.ByteSize);
        Assert.Equal(sorted, Walk(tree, 0, tree.Count - 1, reverse: false));
        Assert.Equal(Enumerable.Reverse(sorted), Walk(tree, 0, tree.Count - 1, reverse: true));
        for (var i = 0; i < 500; i++)
        {
            var rank = random.Next(sorted.Count);
            var (score, member) = sorted[rank];
            Assert.True(tree.TryGetScore(Encoding.ASCII.GetBytes(member), out var found));
            Assert.Equal(score, found);
            Assert.Equal(rank, tree.CountBefore(new SortedSetTree.ExactBound(score, Encoding.ASCII.GetBytes(member))));
            var end = Math.Min(sorted.Count - 1, rank + random.Next(300));
            Assert.Equal(sorted[rank..(end + 1)], Walk(tree, rank, end, reverse: false));
            var bound = random.Next(1000) / 4.0;
            Assert.Equal(sorted.Count(e => e.Score < bound), tree.CountBefore(new ScoreBound(bound, inclusive: false)));
            Assert.Equal(sorted.Count(e => e.Score <= bound), tree.CountBefore(new ScoreBound(bound, inclusive: true)));
        }

        Assert.False(tree.TryGetScore("absent"u8, out _));
        Assert.False(tree.Remove("absent"u8));

        var copy = tree.Clone();
        Assert.Equal(copy.RecountBytes(), copy.ByteSize);
        Assert.Equal(sorted, Walk(copy, 0, copy.Count - 1, reverse: false));
        while (tree.Count > 0)
        {
            tree.RemoveAt(tree.Count - 1);
        }

        Assert.Equal(tree.RecountBytes(), tree.ByteSize);
        Assert.Equal(sorted.Count, copy.Count);
        Assert.Equal(sorted[^1], Walk(copy, copy.Count - 1, copy.Count - 1, reverse: false)[0]);
    }
}
