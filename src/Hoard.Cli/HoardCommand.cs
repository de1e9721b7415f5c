namespace Hoard.Cli;

/// <summary>
/// The <c>hoard</c> executable: <c>hoard serve</c> runs a node, <c>hoard up</c> a local cluster, <c>hoard cluster</c>
/// forms and inspects a cluster of running nodes.
/// </summary>
internal static class HoardCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 1 : 0;
        }

        try
        {
            return args[0] switch
            {
                "serve" => await ServeCommand.RunAsync(args[1..]).ConfigureAwait(false),
                "up" => await UpCommand.RunAsync(args[1..]).ConfigureAwait(false),
                "cluster" => await ClusterCommand.RunAsync(args[1..]).ConfigureAwait(false),
                _ => Fail($"unknown command '{args[0]}'"),
            };
        }
        catch (ConfigurationException e)
        {
            return Fail(e.Message);
        }
        catch (CommandFailedException e)
        {
            Console.Error.WriteLine($"hoard: {e.Message}");
            return 1;
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"hoard: {message}");
        Console.Error.WriteLine(Usage);
        return 2;
    }

    private const string Usage = """
        usage: hoard serve [config-file] [--port 6379] [--bind 127.0.0.1] [--maxmemory 1gb]
                           [--maxmemory-policy s3fifo] [--databases 16] [--requirepass secret] [--<redis.conf name> value …]
                 runs one node until Ctrl-C, SIGTERM or SHUTDOWN
               hoard up [--shards 3] [--replicas 0] [--port 7000] [--dir PATH] [--<redis.conf name> value …]
                 runs a local cluster of shards × (1 + replicas) nodes on 127.0.0.1 ports 7000… (nodes' data and logs
                 in PATH) until Ctrl-C or SIGTERM; from a terminal it also takes typed commands: add-node, status, help
               hoard up --add-node [--port 7000] [--dir PATH] [--weight 1] [--<redis.conf name> value …]
                 one more node for the cluster that hoard up runs on that port: it joins as a primary, takes its share
                 of the slots (weight against 1 for each other primary) and runs until Ctrl-C or SIGTERM, when its
                 slots move back to the other primaries before it stops
               hoard cluster create host:port host:port … [--replicas 0] [-a password]
                 forms a cluster of empty nodes started with --cluster-enabled yes: nodes / (1 + replicas) primaries
                 with the slots split evenly, the other nodes their replicas
               hoard cluster status host:port [-a password]
                 a line per node; a replica's LINK says up, down, unreachable or how far its full sync is
               hoard cluster add-node new-host:port existing-host:port [-a password]
               hoard cluster remove-node existing-host:port node-id [-a password]
                 a primary's slots and keys move to the other primaries first
               hoard cluster reshard host:port --from id --to id --slots N [-a password]
               hoard cluster rebalance host:port [--weight id=w …] [-a password]
                 move slots with their keys while the cluster serves: N slots from a primary to another, or so that
                 each primary owns slots in proportion to its weight (1 unless given; 0 empties it)
        """;
}
