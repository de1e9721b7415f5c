using System.Globalization;

namespace Hoard.Cli;

/// <summary>
/// A replica's link to its primary as its INFO replication says: <c>master_link_status</c>, and during a full sync
/// <c>master_sync_in_progress:1</c> with <c>master_sync_keys_loaded</c> of <c>master_sync_keys_total</c>; or that
/// the replica did not answer.
/// </summary>
/// <param name="Answered">Whether the replica answered INFO replication.</param>
/// <param name="LinkUp">Whether <c>master_link_status</c> is up; null when it does not say.</param>
/// <param name="Syncing">Whether a full sync is in progress.</param>
/// <param name="KeysLoaded">Keys loaded so far in the full sync; null when unknown.</param>
/// <param name="KeysTotal">Keys the full sync sends; null (or -1) when unknown.</param>
internal sealed record ReplicaLink(bool Answered, bool? LinkUp, bool Syncing, long? KeysLoaded, long? KeysTotal)
{
    /// <summary>A replica that did not answer.</summary>
    public static ReplicaLink Unreachable { get; } = new(false, null, false, null, null);

    /// <summary>Reads the fields out of INFO replication's text.</summary>
    public static ReplicaLink Parse(string info)
    {
        var fields = ClusterInfo.Fields(info);
        return new ReplicaLink(
            Answered: true,
            LinkUp: fields.GetValueOrDefault("master_link_status") switch
            {
                "up" => true,
                "down" => false,
                _ => null,
            },
            Syncing: fields.GetValueOrDefault("master_sync_in_progress") == "1",
            KeysLoaded: Number(fields, "master_sync_keys_loaded"),
            KeysTotal: Number(fields, "master_sync_keys_total"));
    }

    /// <summary>
    /// For the status table: <c>syncing 45% (450000/1000000 keys)</c> during a full sync, else <c>up</c>, <c>down</c>
    /// or <c>unreachable</c>.
    /// </summary>
    public override string ToString() => this switch
    {
        { Answered: false } => "unreachable",
        { Syncing: true, KeysLoaded: { } loaded, KeysTotal: { } total } when total > 0 => string.Create(CultureInfo.InvariantCulture,
            $"syncing {Math.Min(100, 100 * loaded / total)}% ({loaded}/{total} keys)"),
        { Syncing: true, KeysLoaded: { } loaded } => string.Create(CultureInfo.InvariantCulture, $"syncing ({loaded} keys loaded)"),
        { Syncing: true } => "syncing",
        { LinkUp: true } => "up",
        { LinkUp: false } => "down",
        _ => "-",
    };

    private static long? Number(Dictionary<string, string> fields, string name) =>
        long.TryParse(fields.GetValueOrDefault(name), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;
}
