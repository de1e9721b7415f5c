using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Hoard.Storage.Hashes;
using Hoard.Storage.Replication;
using static Hoard.Storage.Tests.Support.DatabaseText;

namespace Hoard.Storage.Tests.Support;

/// <summary>Keeps a copy of every record it is given, in order; safe for writers on several threads.</summary>
public sealed class RecordCapture : IRecordSink
{
    private readonly List<byte[]> _records = [];

    public int Count
    {
        get
        {
            lock (_records)
            {
                return _records.Count;
            }
        }
    }

    public byte[] Last
    {
        get
        {
            lock (_records)
            {
                return _records[^1];
            }
        }
    }

    public void Write(ReadOnlySpan<byte> record)
    {
        lock (_records)
        {
            _records.Add(record.ToArray());
        }
    }

    /// <summary>The records from <paramref name="from"/> on.</summary>
    public List<byte[]> Since(int from)
    {
        lock (_records)
        {
            return _records[from..];
        }
    }

    public List<byte[]> All => Since(0);

    public void Clear()
    {
        lock (_records)
        {
            _records.Clear();
        }
    }
}

/// <summary>
/// What a keyspace holds, read through the public commands (SCAN, TYPE, GET, OBJECT ENCODING, HGETALL, PEXPIRETIME),
/// as one line per key, so two keyspaces — or a record and a key — compare as strings.
/// </summary>
public static class KeyspaceState
{
    /// <summary>
    /// Every live key of every database: "db/key" → its description; with <paramref name="anyFieldOrder"/> a hash's
    /// fields are sorted (a hash received in pieces holds them in another order than its source).
    /// </summary>
    public static SortedDictionary<string, string> Of(Keyspace keyspace, bool anyFieldOrder = false)
    {
        var state = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (var db = 0; db < keyspace.DatabaseCount; db++)
        {
            foreach (var key in keyspace[db].AllKeys())
            {
                state[$"{db}/{key}"] = Describe(keyspace[db], key, anyFieldOrder) ?? "missing";
            }
        }

        return state;
    }

    /// <summary>A key's type, value and expiry, or null when it is missing.</summary>
    public static string? Describe(Database db, string key, bool anyFieldOrder = false)
    {
        var at = db.GetExpireAt(B(key));
        if (at == -2)
        {
            return null;
        }

        var expireAt = at == -1 ? 0 : at;
        return db.TypeOf(B(key)) switch
        {
            ValueKind.String => Line(db.EncodingOf(B(key)) == "int" ? "int" : "string", expireAt, db.GetText(key)!),
            ValueKind.Hash => Line("hash", expireAt, Fields(anyFieldOrder ? [.. db.HGetAllText(key).Order()] : db.HGetAllText(key))),
            ValueKind.List => Line("list", expireAt, string.Join(",", ListText.Range(db, key))),
            var other => Line(other.ToString(), expireAt, "?"),
        };
    }

    /// <summary>The state an upsert record states, in <see cref="Describe(Database, string, bool)"/>'s form.</summary>
    public static string Describe(RecordReader record)
    {
        Assert.Equal(RecordKind.Upsert, record.Kind);
        return record.Type switch
        {
            RecordValueType.String => Line("string", record.ExpireAt, Encoding.UTF8.GetString(record.Value)),
            RecordValueType.Integer => Line("int", record.ExpireAt,
                BinaryPrimitives.ReadInt64LittleEndian(record.Value).ToString(CultureInfo.InvariantCulture)),
            RecordValueType.List => Line("list", record.ExpireAt, string.Join(",", Objects.PackedElements.ToArray(record.Value).Select(e => Encoding.UTF8.GetString(e)))),
            _ => Line("hash", record.ExpireAt, Fields(PackedFields(record.Value))),
        };
    }

    private static List<(string Field, string Value)> PackedFields(ReadOnlySpan<byte> blob)
    {
        var fields = new List<(string, string)>();
        foreach (var (field, value) in PackedHash.Enumerate(blob))
        {
            fields.Add((Encoding.UTF8.GetString(field), Encoding.UTF8.GetString(value)));
        }

        return fields;
    }

    private static string Fields(List<(string Field, string Value)> fields) =>
        string.Join(",", fields.Select(f => $"{f.Field}={f.Value}"));

    private static string Line(string type, long expireAt, string value) => $"{type} expireAt={expireAt} {value}";
}
