using Hoard.Cluster.Node;

namespace Hoard.Server.Configuration;

/// <summary>
/// Cluster mode's settings: redis.conf's <c>cluster-enabled</c>, <c>cluster-port</c>, <c>cluster-node-timeout</c>,
/// <c>cluster-announce-ip</c> and <c>dir</c>, and Hoard's <c>cluster-voters</c> (the consensus group's members,
/// which Redis, deciding by gossip, does not have).
/// </summary>
internal static class ClusterConfigSettings
{
    public static IEnumerable<ConfigSetting> All()
    {
        yield return new("cluster-enabled", (o, _) => o.Cluster.Enabled ? "yes" : "no", (o, _, v) => v.ToLowerInvariant() switch
        {
            "yes" => Set(() => o.Cluster.Enabled = true),
            "no" => Set(() => o.Cluster.Enabled = false),
            _ => "argument must be 'yes' or 'no'",
        }, Mutable: false);
        yield return new("cluster-port", (o, _) => ConfigRegistry.Text(o.Cluster.Port), (o, _, v) => ConfigRegistry.Int(v, 0, 65535, x => o.Cluster.Port = x), Mutable: false);
        yield return new("cluster-node-timeout", (o, _) => ConfigRegistry.Text(o.Cluster.NodeTimeoutMs),
            (o, _, v) => ConfigRegistry.Int(v, 100, int.MaxValue, x => o.Cluster.NodeTimeoutMs = x), Mutable: false);
        yield return new("cluster-announce-ip", (o, _) => o.Cluster.AnnounceIp ?? "",
            (o, _, v) => Set(() => o.Cluster.AnnounceIp = v.Length == 0 ? null : v), Mutable: false);
        yield return new("cluster-voters", (o, _) => string.Join(',', o.Cluster.Voters), (o, _, v) => Voters(o, v), Mutable: false);
        yield return new("dir", (o, _) => o.Cluster.Directory, (o, _, v) => Set(() => o.Cluster.Directory = Path.GetFullPath(v)), Mutable: false);
    }

    private static string? Voters(ServerOptions options, string value)
    {
        IReadOnlyList<VoterAddress> voters;
        try
        {
            voters = VoterAddress.ParseList(value);
        }
        catch (FormatException e)
        {
            return e.Message;
        }

        if (voters.Count is not (0 or 1 or 3 or 5))
        {
            return "the consensus group needs 1, 3 or 5 voters";
        }

        options.Cluster.Voters.Clear();
        foreach (var voter in voters)
        {
            options.Cluster.Voters.Add(voter);
        }

        return null;
    }

    private static string? Set(Action apply)
    {
        apply();
        return null;
    }
}
