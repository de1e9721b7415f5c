namespace Hoard.Cli;

/// <summary><c>hoard cluster create|status|add-node|remove-node|reshard|rebalance …</c>: an operator's work on a cluster, through its nodes.</summary>
internal static class ClusterCommand
{
    public static Task<int> RunAsync(string[] args) => args.FirstOrDefault() switch
    {
        "create" => ClusterCreateCommand.RunAsync(args[1..]),
        "status" => ClusterStatusCommand.RunAsync(args[1..]),
        "add-node" => ClusterAddNodeCommand.RunAsync(args[1..]),
        "remove-node" => ClusterRemoveNodeCommand.RunAsync(args[1..]),
        "reshard" => ClusterReshardCommand.RunAsync(args[1..]),
        "rebalance" => ClusterRebalanceCommand.RunAsync(args[1..]),
        null => throw new ConfigurationException("cluster needs a subcommand: create, status, add-node, remove-node, reshard or rebalance"),
        var other => throw new ConfigurationException($"unknown cluster subcommand '{other}' (create, status, add-node, remove-node, reshard, rebalance)"),
    };
}
