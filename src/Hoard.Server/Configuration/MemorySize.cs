using System.Globalization;

namespace Hoard.Server.Configuration;

/// <summary>redis.conf memory units: <c>1k</c> = 1000, <c>1kb</c> = 1024, likewise m/mb and g/gb; case-insensitive.</summary>
public static class MemorySize
{
    /// <summary>Parses a size such as <c>100mb</c>; false if it is not one.</summary>
    public static bool TryParse(string text, out long bytes)
    {
        ArgumentNullException.ThrowIfNull(text);
        bytes = 0;
        var t = text.Trim().ToLowerInvariant();
        (string suffix, long factor)[] units = [("gb", 1L << 30), ("mb", 1L << 20), ("kb", 1L << 10), ("g", 1_000_000_000), ("m", 1_000_000), ("k", 1000), ("b", 1)];
        long multiplier = 1;
        foreach (var (suffix, factor) in units)
        {
            if (t.EndsWith(suffix, StringComparison.Ordinal))
            {
                multiplier = factor;
                t = t[..^suffix.Length];
                break;
            }
        }

        if (!long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var amount) || amount < 0
            || amount > long.MaxValue / multiplier)
        {
            return false;
        }

        bytes = amount * multiplier;
        return true;
    }
}
