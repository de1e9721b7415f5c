namespace Hoard.Storage;

/// <summary>The outcome of a keyspace operation; the server maps each to Redis's reply or error text.</summary>
public enum StorageStatus
{
    /// <summary>Done.</summary>
    Ok,
    /// <summary>The key (or field) does not exist.</summary>
    NotFound,
    /// <summary>A condition (NX, XX, GT, LT …) was not met; nothing changed.</summary>
    NotApplied,
    /// <summary>The key holds another type (<c>-WRONGTYPE</c>).</summary>
    WrongType,
    /// <summary>The write needs memory the limit does not allow (<c>-OOM</c>).</summary>
    OutOfMemory,
    /// <summary>The stored value is not an integer or is out of range (<c>-ERR value is not an integer …</c>).</summary>
    NotInteger,
    /// <summary>The stored value is not a valid float (<c>-ERR value is not a valid float</c>).</summary>
    NotFloat,
    /// <summary>The increment would overflow (<c>-ERR increment or decrement would overflow</c>).</summary>
    Overflow,
    /// <summary>The result would be NaN or infinity (<c>-ERR increment would produce NaN or Infinity</c>).</summary>
    NotFinite,
    /// <summary>The value would exceed 512 MB (<c>-ERR string exceeds maximum allowed size</c>).</summary>
    TooLarge,
}
