using System.Globalization;
using StackExchange.Redis;

namespace Hoard.Client;

/// <summary>
/// Tags: removing a tag stores the time of the removal under the tag's own key (<c>hoard-tag:prefix+tag</c>, kept a
/// week); an entry written before that time under the tag reads as missing. Tag times are kept near like values, and
/// a tag's change empties the near cache (it does not know which of its values carry the tag).
/// </summary>
public sealed partial class HoardCache
{
    /// <summary>How long a tag's removal time is kept: longer than entries live, with the default fail-safe.</summary>
    private static readonly TimeSpan TagLife = TimeSpan.FromDays(7);

    /// <summary>The prefix of tag keys (their changes empty the near cache).</summary>
    internal static string TagKeyPrefix(string keyPrefix) => "hoard-tag:" + keyPrefix;

    /// <inheritdoc/>
    public async Task RemoveByTagAsync(string tag, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(tag);
        var now = Now().ToString(CultureInfo.InvariantCulture);
        _near?.Clear();
        await Retry(() => _db.StringSetAsync(TagKey(tag), now, TagLife)).WaitAsync(token).ConfigureAwait(false);
    }

    private RedisKey TagKey(string tag) => TagKeyPrefix(_options.KeyPrefix) + tag;

    /// <summary>Whether a tag of the entry was removed at or after the entry was written.</summary>
    private async Task<bool> RemovedByTagAsync(Envelope envelope)
    {
        foreach (var tag in envelope.Tags)
        {
            if (await TagRemovedAtAsync(tag).ConfigureAwait(false) >= envelope.CreatedAt)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>When the tag was last removed (Unix ms, 0 never): from the near cache, else the cluster.</summary>
    private async Task<long> TagRemovedAtAsync(string tag)
    {
        var nearKey = "\u0001tag:" + tag;
        if (_near is not null && _near.TryGet(nearKey, out var kept) && kept.Value is long time)
        {
            return time;
        }

        var before = _near?.Snapshot(nearKey) ?? default;
        var raw = await Retry(() => _db.StringGetAsync(TagKey(tag))).ConfigureAwait(false);
        var removedAt = raw.HasValue && long.TryParse((string?)raw, NumberStyles.None, CultureInfo.InvariantCulture, out var at) ? at : 0;
        _near?.Set(nearKey, new NearEntry(removedAt, long.MaxValue, 0), before);
        return removedAt;
    }
}
