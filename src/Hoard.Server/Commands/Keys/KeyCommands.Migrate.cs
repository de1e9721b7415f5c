using System.Globalization;
using System.Net;
using System.Text;
using Hoard.Cluster.Node;
using Hoard.Storage;
using Hoard.Storage.Replication;

namespace Hoard.Server.Commands.Keys;

/// <summary>
/// MIGRATE: copies keys to another node (RESTORE-ASKING in cluster mode, RESTORE otherwise, one pipeline per round)
/// and deletes them here unless COPY. Other connections keep writing meanwhile (Redis blocks its one thread instead),
/// so a key is deleted only if it still holds what was sent; one that changed is sent again with REPLACE, and one
/// deleted meanwhile is deleted on the target, until both agree (a few rounds at most, then TRYAGAIN).
/// </summary>
internal static partial class KeyCommands
{
    private const int MigrateRounds = 8;

    private static void RegisterMigrate(CommandTable table) =>
        // Keys come from the KEYS list or the key argument and are this node's own: like a keyless command, it is not
        // routed (redis-cli sends it to the node that holds them), and a replica refuses it.
        table.Add(new("migrate", -6, CommandFlags.Write, 0, 0, 0, Migrate, "Atomically transfers a key from one Redis instance to another."));

    /// <summary>MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH password | AUTH2 username password] [KEYS key …].</summary>
    private static void Migrate(ref CommandContext c)
    {
        if (!Arguments.TryParseInt64(c[2], out var port) || !Arguments.TryParseInt64(c[4], out var db) || !Arguments.TryParseInt64(c[5], out var timeoutMs))
        {
            c.Writer.WriteError(Errors.NotInteger);
            return;
        }

        if (port is < 1 or > 65535 || db < 0 || db > int.MaxValue)
        {
            c.Writer.WriteError(port is < 1 or > 65535 ? "ERR Invalid TCP port"u8 : "ERR DB index is out of range"u8);
            return;
        }

        bool copy = false, replace = false;
        List<ReadOnlyMemory<byte>> auth = [];
        var keysFrom = -1;
        for (var i = 6; i < c.Count && keysFrom < 0; i++)
        {
            if (c.Is(i, "COPY"u8))
            {
                copy = true;
            }
            else if (c.Is(i, "REPLACE"u8))
            {
                replace = true;
            }
            else if (c.Is(i, "AUTH"u8) && i + 1 < c.Count)
            {
                auth = ["AUTH"u8.ToArray(), c[++i].ToArray()];
            }
            else if (c.Is(i, "AUTH2"u8) && i + 2 < c.Count)
            {
                auth = ["AUTH"u8.ToArray(), c[++i].ToArray(), c[++i].ToArray()];
            }
            else if (c.Is(i, "KEYS"u8))
            {
                if (!c[3].IsEmpty)
                {
                    c.Writer.WriteError("ERR When using MIGRATE KEYS option, the key argument must be set to the empty string"u8);
                    return;
                }

                keysFrom = i + 1;
            }
            else
            {
                c.Writer.WriteError(Errors.Syntax);
                return;
            }
        }

        var keys = new List<byte[]>();
        for (var i = keysFrom < 0 ? 3 : keysFrom; i < (keysFrom < 0 ? 4 : c.Count); i++)
        {
            keys.Add(c[i].ToArray());
        }

        var database = c.Database;
        var now = c.Server.NowMs();
        var items = new List<MigratingKey>();
        foreach (var key in keys)
        {
            if (MigratingKey.Read(database, key, now) is { } item)
            {
                items.Add(item);
            }
        }

        if (items.Count == 0)
        {
            c.Writer.WriteSimpleString("NOKEY"u8);
            return;
        }

        var host = Encoding.UTF8.GetString(c[1]);
        EndPoint endpoint = IPAddress.TryParse(host, out var address) ? new IPEndPoint(address, (int)port) : new DnsEndPoint(host, (int)port);
        var target = new MigrateTarget(endpoint, auth, (int)db, TimeSpan.FromMilliseconds(timeoutMs <= 0 ? 1000 : timeoutMs), c.Server.Cluster is not null);
        c.Defer(MigrateAsync(c.Server, database, target, items, copy, replace));
    }

    private static async Task<DeferredReply> MigrateAsync(HoardServer server, Database database, MigrateTarget target,
        List<MigratingKey> items, bool copy, bool replace)
    {
        var client = new PeerClient(password: null, target.Timeout);
        for (var round = 0; round < MigrateRounds; round++)
        {
            IReadOnlyList<PeerReply> replies;
            try
            {
                replies = await client.CallManyAsync(target.Endpoint, target.Commands(items, replace), CancellationToken.None).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                return DeferredReplies.Error("IOERR error or timeout migrating to the target instance: " + e.Message);
            }

            var lead = replies.Count - items.Count; // AUTH, SELECT
            if (replies.Take(lead).FirstOrDefault(r => r.IsError) is { } refused)
            {
                return DeferredReplies.Error("ERR Target instance replied with error: " + refused.Text);
            }

            string? error = null;
            var again = new List<MigratingKey>();
            for (var i = 0; i < items.Count; i++)
            {
                var reply = replies[lead + i];
                if (reply.IsError)
                {
                    error ??= reply.Text;
                }
                else if (!copy && !items[i].Deleted && !database.DeleteIfUnchanged(items[i].Key, items[i].Record))
                {
                    // Written or deleted here since it was read: send what it holds now (or its deletion).
                    again.Add(MigratingKey.Read(database, items[i].Key, server.NowMs()) ?? MigratingKey.Deletion(items[i].Key));
                }
            }

            if (error is not null)
            {
                return DeferredReplies.Error("ERR Target instance replied with error: " + error);
            }

            if (again.Count == 0)
            {
                return DeferredReplies.Ok;
            }

            items = again;
            replace = true; // the target's copies are the ones this MIGRATE made
        }

        return DeferredReplies.Error("TRYAGAIN keys kept changing while MIGRATE copied them");
    }

    /// <summary>A key on its way: its record (to check it did not change) and payload, or its deletion.</summary>
    private sealed record MigratingKey(byte[] Key, byte[] Record, byte[] Payload, long TtlMs, bool Deleted)
    {
        private static readonly byte[] EmptyString = DumpPayload.Encode(RecordValueType.String, []);

        /// <summary>Deletes the key on the target: RESTORE … REPLACE ABSTTL with an expiry in the past.</summary>
        public static MigratingKey Deletion(byte[] key) => new(key, [], EmptyString, 1, Deleted: true);

        /// <summary>The key as it is now; null when absent or past its expiry.</summary>
        public static MigratingKey? Read(Database database, byte[] key, long nowMs)
        {
            var record = new RecordCopy();
            if (!database.WriteRecord(key, record))
            {
                return null;
            }

            var payload = DumpPayload.FromRecord(record.Bytes, out var expireAt);
            var ttl = expireAt == 0 ? 0 : expireAt - nowMs;
            return expireAt != 0 && ttl < 1 ? null : new MigratingKey(key, record.Bytes, payload, ttl, Deleted: false);
        }
    }

    /// <summary>Where MIGRATE sends, and the commands of one round.</summary>
    private sealed record MigrateTarget(EndPoint Endpoint, List<ReadOnlyMemory<byte>> Auth, int Database, TimeSpan Timeout, bool Cluster)
    {
        public List<IReadOnlyList<ReadOnlyMemory<byte>>> Commands(List<MigratingKey> items, bool replace)
        {
            var commands = new List<IReadOnlyList<ReadOnlyMemory<byte>>>();
            if (Auth.Count > 0)
            {
                commands.Add(Auth);
            }

            if (Database != 0)
            {
                commands.Add(["SELECT"u8.ToArray(), Encoding.ASCII.GetBytes(Database.ToString(CultureInfo.InvariantCulture))]);
            }

            foreach (var item in items)
            {
                List<ReadOnlyMemory<byte>> restore =
                [
                    (Cluster ? "RESTORE-ASKING"u8 : "RESTORE"u8).ToArray(), item.Key,
                    Encoding.ASCII.GetBytes(item.TtlMs.ToString(CultureInfo.InvariantCulture)), item.Payload,
                ];
                if (item.Deleted)
                {
                    restore.AddRange(["REPLACE"u8.ToArray(), "ABSTTL"u8.ToArray()]);
                    commands.Add(restore);
                    continue;
                }

                if (replace)
                {
                    restore.Add("REPLACE"u8.ToArray());
                }

                commands.Add(restore);
            }

            return commands;
        }
    }
}
