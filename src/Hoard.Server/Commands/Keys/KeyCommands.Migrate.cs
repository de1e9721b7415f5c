using System.Globalization;
using System.Net;
using System.Text;
using Hoard.Cluster.Node;
using Hoard.Server.Notifications;
using Hoard.Storage.Keys;
using Hoard.Storage.Replication;
using Hoard.Storage;

namespace Hoard.Server.Commands.Keys;

/// <summary>
/// MIGRATE: copies keys to another node (RESTORE-ASKING in cluster mode, RESTORE otherwise, one pipeline per round)
/// and deletes them here unless COPY. Redis blocks its one thread for this; Hoard holds the writes to the keys' slots
/// in cluster mode (<see cref="Hoard.Server.Cluster.MigrateHold"/>), and elsewhere other connections keep writing: so a key is
/// deleted only if it still holds what was sent; one that changed (or expired, or was evicted) is sent again with
/// REPLACE, or deleted on the target, until both agree (a few rounds at most, then TRYAGAIN).
/// </summary>
internal static partial class KeyCommands
{
    private const int MigrateRounds = 8;
    private static readonly DeferredReply NoKey = static (ref Hoard.Protocol.RespWriter w) => w.WriteSimpleString("NOKEY"u8);

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

        var host = Encoding.UTF8.GetString(c[1]);
        EndPoint endpoint = IPAddress.TryParse(host, out var address) ? new IPEndPoint(address, (int)port) : new DnsEndPoint(host, (int)port);
        var target = new MigrateTarget(endpoint, auth, (int)db, TimeSpan.FromMilliseconds(timeoutMs <= 0 ? 1000 : timeoutMs), c.Server.Cluster is not null);
        var (server, database) = (c.Server, c.Database);
        c.Defer(server.Cluster is null
            ? MigrateAsync(server, database, target, keys, copy, replace)
            : server.MigrateHold.RunAsync([.. keys.Select(k => HashSlot.Of(k)).Distinct()], () => MigrateAsync(server, database, target, keys, copy, replace)));
    }

    /// <summary>The keys' rounds (in cluster mode with writes to their slots held, see <see cref="Hoard.Server.Cluster.MigrateHold"/>).</summary>
    private static async Task<DeferredReply> MigrateAsync(HoardServer server, Database database, MigrateTarget target,
        List<byte[]> keys, bool copy, bool replace)
    {
        var now = server.NowMs();
        var items = keys.Select(k => MigratingKey.Read(database, k, now)).OfType<MigratingKey>().ToList();
        if (items.Count == 0)
        {
            return NoKey;
        }

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

            var error = replies.Skip(lead).FirstOrDefault(r => r.IsError)?.Text;
            var sent = items.Where((item, i) => !replies[lead + i].IsError && !item.Deleted).ToList();
            var again = copy ? [] : DeleteSent(server, database, sent);

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

    /// <summary>
    /// Deletes the keys the target took, each only if it still holds what was sent; returns what to send again: the
    /// keys written (or deleted) here since they were read.
    /// </summary>
    private static List<MigratingKey> DeleteSent(HoardServer server, Database database, List<MigratingKey> sent)
    {
        var again = new List<MigratingKey>();
        foreach (var item in sent)
        {
            if (!database.DeleteIfUnchanged(item.Key, item.Record))
            {
                again.Add(MigratingKey.Read(database, item.Key, server.NowMs()) ?? MigratingKey.Deletion(item.Key));
            }
            else if ((server.Notifications.Active & NotifyClass.Generic) != 0)
            {
                server.Notifications.Raise(NotifyClass.Generic, "del"u8, database.Index, item.Key);
            }
        }

        return again;
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
