using System.Text;

namespace Hoard.Client.Tests;

/// <summary>The stored form of a value: plain when small or incompressible, LZ4 above the threshold when it pays.</summary>
public class EnvelopeTests
{
    private static readonly JsonCacheSerializer Json = new();

    [Fact]
    public void SmallValuesStayPlainAndLargeOnesAreCompressedWhenThatIsSmaller()
    {
        var small = Envelope.Encode(Json, "short", 123, 7, 100, null, compressAbove: 4096);
        Assert.Equal((1, 0), (small[0], small[1])); // version 1, not compressed
        var large = new string('a', 100_000);
        var packed = Envelope.Encode(Json, large, 123, 7, 100, null, compressAbove: 4096);
        Assert.Equal(1, packed[1]); // LZ4
        Assert.True(packed.Length < 2_000, $"{packed.Length} bytes for 100 KB of one letter");
        var never = Envelope.Encode(Json, large, 123, 7, 100, null, compressAbove: 0);
        Assert.Equal(0, never[1]);

        var random = Convert.ToBase64String(RandomBytes(60_000)); // base64 of noise: LZ4 gains little or nothing
        var noisy = Envelope.Encode(Json, random, 123, 7, 100, null, compressAbove: 4096);
        Assert.True(noisy.Length <= Envelope.Encode(Json, random, 123, 7, 100, null, compressAbove: 0).Length, "compression never makes a value longer");

        foreach (var (bytes, expected) in new[] { (small, "short"), (packed, large), (never, large), (noisy, random) })
        {
            Assert.True(Envelope.TryDecode(bytes, out var envelope));
            Assert.Equal((123L, 7), (envelope.FreshUntil, envelope.ComputeMs));
            Assert.Equal(expected, Json.Deserialize<string>(envelope.Payload.Span));
        }
    }

    [Fact]
    public void TagsAndTheWriteTimeTravelWithTheValue()
    {
        var bytes = Envelope.Encode(Json, 42, 123, 7, 1_700_000_000_000, ["product:7", "catalogue", "ünïcode"], compressAbove: 4096);
        Assert.True(Envelope.TryDecode(bytes, out var envelope));
        Assert.Equal(["product:7", "catalogue", "ünïcode"], envelope.Tags);
        Assert.Equal(1_700_000_000_000, envelope.CreatedAt);
        Assert.Equal(42, Json.Deserialize<int>(envelope.Payload.Span));
        Assert.Throws<InvalidDataException>(() => Envelope.TryDecode(bytes.AsMemory(0, 30), out _)); // cut inside the tags
        Assert.Throws<ArgumentException>(() => Envelope.Encode(Json, 1, 0, 0, 0, [.. Enumerable.Range(0, 256).Select(i => $"t{i}")], 0));
    }

    [Fact]
    public void BytesThatAreNoEnvelopeAreNotOne()
    {
        Assert.False(Envelope.TryDecode(Encoding.UTF8.GetBytes("plain text someone SET"), out _));
        Assert.False(Envelope.TryDecode(new byte[5], out _));
    }

    [Fact]
    public async Task AValueOfAnotherWriterOrCorruptIsAMissNotAnError()
    {
        await using var node = await LocalNode.StartAsync();
        var cache = await node.CacheAsync(nearCache: false);
        node.Server.Keyspace[0].Set(Encoding.UTF8.GetBytes("cache:foreign"), Encoding.UTF8.GetBytes("set by redis-cli"));
        byte[] corrupt = [1, 1, .. new byte[20], 0, 0xFF, 0xFF, 0xFF]; // says LZ4, holds garbage
        node.Server.Keyspace[0].Set(Encoding.UTF8.GetBytes("cache:corrupt"), corrupt);

        Assert.False((await cache.GetAsync<string>("foreign")).HasValue);
        Assert.False((await cache.GetAsync<string>("corrupt")).HasValue);
        Assert.Equal("computed", await cache.GetOrSetAsync("corrupt", _ => Task.FromResult("computed")));
        Assert.Equal(new HoardValue<string>(true, "computed"), await cache.GetAsync<string>("corrupt"));
    }

    [Fact]
    public async Task ALargeValueGoesCompressedAndComesBackWhole()
    {
        await using var node = await LocalNode.StartAsync();
        var cache = await node.CacheAsync(nearCache: false);
        var rows = Enumerable.Range(0, 2000).Select(i => new HoardCacheTests.Product(i, $"product {i}", i)).ToList();

        await cache.SetAsync("catalogue", rows);
        Assert.Equal(Hoard.Storage.StorageStatus.Ok, node.Server.Keyspace[0].Length(Encoding.UTF8.GetBytes("cache:catalogue"), out var stored));
        var json = new JsonCacheSerializer();
        var plain = new System.Buffers.ArrayBufferWriter<byte>();
        json.Serialize(rows, plain);
        Assert.True(stored < plain.WrittenCount / 2, $"{stored} bytes stored for {plain.WrittenCount} bytes of JSON");
        Assert.Equal(rows, (await cache.GetAsync<List<HoardCacheTests.Product>>("catalogue")).Value);
    }

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        new Random(3).NextBytes(bytes);
        return bytes;
    }
}
