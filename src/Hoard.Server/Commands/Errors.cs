using Hoard.Protocol;
using Hoard.Storage;

namespace Hoard.Server.Commands;

/// <summary>Redis 7's error texts, byte for byte (clients and tests compare them).</summary>
public static class Errors
{
    /// <summary><c>-ERR syntax error</c></summary>
    public static ReadOnlySpan<byte> Syntax => "ERR syntax error"u8;

    /// <summary><c>-ERR value is not an integer or out of range</c></summary>
    public static ReadOnlySpan<byte> NotInteger => "ERR value is not an integer or out of range"u8;

    /// <summary><c>-ERR value is not a valid float</c></summary>
    public static ReadOnlySpan<byte> NotFloat => "ERR value is not a valid float"u8;

    /// <summary><c>-WRONGTYPE …</c></summary>
    public static ReadOnlySpan<byte> WrongType => "WRONGTYPE Operation against a key holding the wrong kind of value"u8;

    /// <summary><c>-OOM …</c></summary>
    public static ReadOnlySpan<byte> OutOfMemory => "OOM command not allowed when used memory > 'maxmemory'."u8;

    /// <summary><c>-ERR increment or decrement would overflow</c></summary>
    public static ReadOnlySpan<byte> Overflow => "ERR increment or decrement would overflow"u8;

    /// <summary><c>-ERR increment would produce NaN or Infinity</c></summary>
    public static ReadOnlySpan<byte> NotFinite => "ERR increment would produce NaN or Infinity"u8;

    /// <summary><c>-ERR string exceeds maximum allowed size (proto-max-bulk-len)</c></summary>
    public static ReadOnlySpan<byte> TooLarge => "ERR string exceeds maximum allowed size (proto-max-bulk-len)"u8;

    /// <summary><c>-ERR no such key</c></summary>
    public static ReadOnlySpan<byte> NoSuchKey => "ERR no such key"u8;

    /// <summary><c>-ERR DB index is out of range</c></summary>
    public static ReadOnlySpan<byte> DbIndexOutOfRange => "ERR DB index is out of range"u8;

    /// <summary>The error for a failed storage operation (Ok and the "not found/applied" outcomes have no error).</summary>
    public static ReadOnlySpan<byte> For(StorageStatus status) => status switch
    {
        StorageStatus.WrongType => WrongType,
        StorageStatus.OutOfMemory => OutOfMemory,
        StorageStatus.NotInteger => NotInteger,
        StorageStatus.NotFloat => NotFloat,
        StorageStatus.Overflow => Overflow,
        StorageStatus.NotFinite => NotFinite,
        StorageStatus.TooLarge => TooLarge,
        _ => "ERR internal error"u8,
    };

    /// <summary>
    /// After a read that wrote its value itself on Ok: a null for a missing key, or the error of a failed storage
    /// operation (GET, HGET, LINDEX …).
    /// </summary>
    public static void WriteMissingOrError(ref RespWriter writer, StorageStatus status)
    {
        switch (status)
        {
            case StorageStatus.Ok:
                break;
            case StorageStatus.NotFound:
                writer.WriteNull();
                break;
            default:
                writer.WriteError(For(status));
                break;
        }
    }

    /// <summary><c>-ERR invalid expire time in '…' command</c></summary>
    public static string InvalidExpireTime(string command) => $"ERR invalid expire time in '{command}' command";
}
