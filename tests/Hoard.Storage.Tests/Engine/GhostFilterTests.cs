using Hoard.Storage.Eviction;

namespace Hoard.Storage.Tests.Engine;

public class GhostFilterTests
{
    private static uint Fingerprint(int i) => (uint)(i * 2654435761u) ^ 0x5bd1e995u;

    [Fact]
    public void An_empty_filter_contains_nothing()
    {
        var ghost = new GhostFilter();
        Assert.DoesNotContain(Enumerable.Range(0, 1000), i => ghost.Contains(Fingerprint(i)));
    }

    [Fact]
    public void Added_fingerprints_are_remembered()
    {
        var ghost = new GhostFilter();
        for (var i = 0; i < 2000; i++)
        {
            ghost.Add(Fingerprint(i), 10_000);
        }

        // The last generation (5000 keys for a wanted size of 10 000) holds all of them.
        Assert.All(Enumerable.Range(0, 2000), i => Assert.True(ghost.Contains(Fingerprint(i))));
    }

    [Fact]
    public void False_positives_are_rare()
    {
        var ghost = new GhostFilter();
        for (var i = 0; i < 4000; i++)
        {
            ghost.Add(Fingerprint(i), 10_000);
        }

        var falsePositives = Enumerable.Range(1_000_000, 10_000).Count(i => ghost.Contains(Fingerprint(i)));
        Assert.True(falsePositives < 500, $"{falsePositives} false positives in 10 000");
    }

    [Fact]
    public void Old_generations_are_forgotten()
    {
        var ghost = new GhostFilter();
        for (var i = 0; i < 1000; i++)
        {
            ghost.Add(Fingerprint(i), 2000);
        }

        for (var i = 100_000; i < 105_000; i++)
        {
            ghost.Add(Fingerprint(i), 2000);
        }

        var remembered = Enumerable.Range(0, 1000).Count(i => ghost.Contains(Fingerprint(i)));
        Assert.True(remembered < 100, $"{remembered} of 1000 old fingerprints still remembered");
    }

    [Fact]
    public void Clear_forgets_everything()
    {
        var ghost = new GhostFilter();
        for (var i = 0; i < 100; i++)
        {
            ghost.Add(Fingerprint(i), 1000);
        }

        ghost.Clear();
        Assert.DoesNotContain(Enumerable.Range(0, 100), i => ghost.Contains(Fingerprint(i)));
    }

    [Fact]
    public void The_filters_grow_with_the_wanted_size()
    {
        var ghost = new GhostFilter();
        var initial = ghost.Bytes;
        for (var i = 0; i < 200_000; i++)
        {
            ghost.Add(Fingerprint(i), 100_000);
        }

        // 10 bits per key for half the wanted size, rounded up to a power of two (so at most 20), in each of two generations.
        Assert.InRange(ghost.Bytes, 100_000 / 2 * 10 / 8, 2 * 100_000 / 2 * 20 / 8);
        Assert.True(ghost.Bytes > initial);
    }
}
