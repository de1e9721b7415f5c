using System.Text;
using Hoard.Storage.SortedSets;
using Xunit.Abstractions;

namespace Hoard.Storage.Tests.SortedSets;

/// <summary>Heap measurements: alone in the process (GC.GetTotalMemory counts every test's objects).</summary>
[CollectionDefinition(nameof(SortedSetTreeMemoryTests), DisableParallelization = true)]
public class SortedSetTreeMemoryCollection;

[Collection(nameof(SortedSetTreeMemoryTests))]
public class SortedSetTreeMemoryTests(ITestOutputHelper output)
{
    [Fact]
    public void ByteSizeTracksTheHeapAndBeatsRedisPerMember()
    {
        const int count = 300_000;
        var members = Enumerable.Range(0, count).Select(i => Encoding.ASCII.GetBytes("member:" + i)).ToArray();
        var order = Enumerable.Range(0, count).OrderBy(_ => Random.Shared.Next()).ToArray();
        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var tree = new SortedSetTree();
        foreach (var i in order)
        {
            tree.Insert(members[i], i);
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        var measured = (after - before) / (double)count;
        var estimated = tree.ByteSize / (double)count;
        output.WriteLine($"random inserts: {measured:F1} B/member measured, {estimated:F1} estimated");
        Assert.InRange(estimated, measured * 0.8, measured * 1.25);
        Assert.True(measured < 60, $"{measured:F1} bytes a member");
        GC.KeepAlive(tree);

        var ascending = new SortedSetTree();
        for (var i = 0; i < count; i++)
        {
            ascending.Insert(members[i], i);
        }

        output.WriteLine($"ascending inserts: {ascending.ByteSize / (double)count:F1} B/member estimated");
        Assert.True(ascending.ByteSize / (double)count < 45);
    }
}
