using System.Buffers;
using System.Text.Json;

namespace Hoard.Client;

/// <summary>Turns cached values into bytes and back.</summary>
public interface ICacheSerializer
{
    /// <summary>Writes <paramref name="value"/> into <paramref name="output"/>.</summary>
    void Serialize<T>(T value, IBufferWriter<byte> output);

    /// <summary>Reads a value written by <see cref="Serialize{T}"/>.</summary>
    T Deserialize<T>(ReadOnlySpan<byte> bytes);
}

/// <summary>System.Text.Json, with the options given (the web defaults unless set).</summary>
public sealed class JsonCacheSerializer(JsonSerializerOptions? options = null) : ICacheSerializer
{
    private readonly JsonSerializerOptions _options = options ?? JsonSerializerOptions.Web;

    /// <inheritdoc/>
    public void Serialize<T>(T value, IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output);
        JsonSerializer.Serialize(writer, value, _options);
    }

    /// <inheritdoc/>
    public T Deserialize<T>(ReadOnlySpan<byte> bytes) => JsonSerializer.Deserialize<T>(bytes, _options)!;
}
