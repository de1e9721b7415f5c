using System.Globalization;
using System.Text;
using CsCheck;
using Hoard.Storage.Internal;
using Hoard.Storage.Tests.Support;
using static Hoard.Storage.Tests.Support.DatabaseText;

namespace Hoard.Storage.Tests.Engine;

/// <summary>
/// Random sequences of commands against the engine and against a plain dictionary model, comparing every
/// result (values, statuses, TTLs) and checking the engine's internal consistency after every command.
/// </summary>
public class KeyspaceModelTests
{
    private const int Databases = 2;
    private const int KeyCount = 8;
    private const int FieldCount = 5;

    public enum Kind
    {
        Set, Get, Delete, Exists, Increment, Append, ExpireAt, Persist, Ttl, Type, GetEx,
        HashSet, HashGet, HashDelete, HashLength, HashGetAll, Rename, Copy, Flush, Advance,
    }

    public sealed record Op(Kind Kind, int Db, int Key, int Key2, int Number, int Option, string Text)
    {
        public override string ToString() => $"{Kind}(db{Db} k{Key} k{Key2} n={Number} o={Option} '{(Text.Length > 12 ? Text[..12] + "…" + Text.Length : Text)}')";
    }

    private static readonly Gen<string> GenText = Gen.Frequency(
        (3, Gen.Int[-50, 50].Select(i => i.ToString(CultureInfo.InvariantCulture))),
        (3, Gen.Int['a', 'c'].Select(Gen.Int[0, 12], (c, n) => new string((char)c, n))),
        (2, Gen.Int['x', 'z'].Select(Gen.Int[13, 400], (c, n) => new string((char)c, n))));

    private static readonly Gen<Kind> GenKind = Gen.Frequency(
        (8, Gen.Const(Kind.Set)), (6, Gen.Const(Kind.Get)), (3, Gen.Const(Kind.Delete)), (2, Gen.Const(Kind.Exists)),
        (3, Gen.Const(Kind.Increment)), (3, Gen.Const(Kind.Append)), (4, Gen.Const(Kind.ExpireAt)), (2, Gen.Const(Kind.Persist)),
        (2, Gen.Const(Kind.Ttl)), (1, Gen.Const(Kind.Type)), (2, Gen.Const(Kind.GetEx)), (6, Gen.Const(Kind.HashSet)),
        (3, Gen.Const(Kind.HashGet)), (3, Gen.Const(Kind.HashDelete)), (1, Gen.Const(Kind.HashLength)),
        (1, Gen.Const(Kind.HashGetAll)), (2, Gen.Const(Kind.Rename)), (2, Gen.Const(Kind.Copy)), (1, Gen.Const(Kind.Flush)),
        (3, Gen.Const(Kind.Advance)));

    private static readonly Gen<Op> GenOp = Gen.Select(GenKind, Gen.Int[0, Databases - 1], Gen.Int[0, KeyCount - 1],
            Gen.Int[0, KeyCount - 1], Gen.Int[-500, 3000], Gen.Int[0, 11], GenText)
        .Select((kind, db, key, key2, number, option, text) => new Op(kind, db, key, key2, number, option, text));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Random_command_sequences_agree_with_a_dictionary_model(int shards)
    {
        GenOp.Array[50, 200].Sample(ops => Run(ops, shards), iter: 200, print: ops => string.Join("\n", ops.Select(o => o.ToString())));
    }

    private static void Run(Op[] ops, int shards)
    {
        var clock = new ManualTimeProvider();
        using var keyspace = new Keyspace(new StorageOptions
        {
            Databases = Databases,
            Shards = shards,
            SegmentSize = 1024,
            HashMaxListpackEntries = 3,
            HashMaxListpackValue = 16,
        }, clock);
        var model = new Model(clock);
        for (var step = 0; step < ops.Length; step++)
        {
            try
            {
                Apply(ops[step], keyspace, model, clock);
                keyspace.CheckIntegrity();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new InvalidOperationException($"step {step}: {ops[step]}: {e.Message}", e);
            }
        }

        // Every key the model holds is in the engine with the same value and TTL, and nothing else is.
        for (var db = 0; db < Databases; db++)
        {
            var expected = model.LiveKeys(db).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(expected, keyspace[db].AllKeys().Order(StringComparer.Ordinal).ToList());
            foreach (var key in expected)
            {
                Assert.Equal(model.ExpireAt(db, key), keyspace[db].GetExpireAt(B(key)));
            }
        }

        keyspace.CheckIntegrity();
    }

    private static string KeyName(int i) => $"k{i}";

    private static string FieldName(int i) => $"f{i % FieldCount}";

    private static void Apply(Op op, Keyspace keyspace, Model model, ManualTimeProvider clock)
    {
        var db = keyspace[op.Db];
        var key = KeyName(op.Key);
        var k = B(key);
        var now = clock.NowMs;
        switch (op.Kind)
        {
            case Kind.Set:
            {
                var condition = (SetCondition)(op.Option % 3);
                var expiry = (op.Option / 3) switch
                {
                    0 => Expiry.None,
                    1 => Expiry.KeepTtl,
                    2 => Expiry.AtUnixMs(now + op.Number),
                    _ => Expiry.AtUnixMs(now + Math.Abs(op.Number) + 1),
                };
                var wantOld = op.Number % 2 == 0;
                var old = default(BytesSink);
                var status = db.Set(k, B(op.Text), condition, expiry, wantOld, ref old, out var hadOld);
                var (mStatus, mOld) = model.Set(op.Db, key, op.Text, condition, expiry, wantOld);
                Assert.Equal(mStatus, status);
                Assert.Equal(mOld != null, hadOld);
                if (hadOld)
                {
                    Assert.Equal(mOld, old.Text);
                }

                break;
            }

            case Kind.Get:
            {
                var (status, value) = db.TryGetText(key);
                var (mStatus, mValue) = model.Get(op.Db, key);
                Assert.Equal(mStatus, status);
                Assert.Equal(mValue, value);
                break;
            }

            case Kind.Delete:
                Assert.Equal(model.Delete(op.Db, key), db.Delete(k));
                break;
            case Kind.Exists:
                Assert.Equal(model.Find(op.Db, key) != null, db.Exists(k));
                break;
            case Kind.Type:
                Assert.Equal(model.Find(op.Db, key)?.Kind ?? ValueKind.None, db.TypeOf(k));
                break;
            case Kind.Increment:
            {
                var status = db.Increment(k, op.Number, out var result);
                var (mStatus, mResult) = model.Increment(op.Db, key, op.Number);
                Assert.Equal(mStatus, status);
                if (status == StorageStatus.Ok)
                {
                    Assert.Equal(mResult, result);
                }

                break;
            }

            case Kind.Append:
            {
                var status = db.Append(k, B(op.Text), out var length);
                var (mStatus, mLength) = model.Append(op.Db, key, op.Text);
                Assert.Equal(mStatus, status);
                if (status == StorageStatus.Ok)
                {
                    Assert.Equal(mLength, length);
                }

                break;
            }

            case Kind.ExpireAt:
            {
                var condition = (ExpireCondition)(op.Option % 5);
                var at = now + op.Number;
                Assert.Equal(model.ExpireAt(op.Db, key, at, condition), db.SetExpireAt(k, at, condition));
                break;
            }

            case Kind.Persist:
                Assert.Equal(model.Persist(op.Db, key), db.Persist(k));
                break;
            case Kind.Ttl:
                Assert.Equal(model.ExpireAt(op.Db, key), db.GetExpireAt(k));
                break;
            case Kind.GetEx:
            {
                var expiry = (op.Option % 3) switch
                {
                    0 => Expiry.None,
                    1 => Expiry.KeepTtl,
                    _ => Expiry.AtUnixMs(now + op.Number),
                };
                var sink = default(BytesSink);
                var status = db.GetAndExpire(k, expiry, ref sink);
                var (mStatus, mValue) = model.GetEx(op.Db, key, expiry);
                Assert.Equal(mStatus, status);
                if (status == StorageStatus.Ok)
                {
                    Assert.Equal(mValue, sink.Text);
                }

                break;
            }

            case Kind.HashSet:
            {
                var onlyIfNew = op.Option % 4 == 0;
                var status = db.HashSet(k, B(FieldName(op.Key2)), B(op.Text), onlyIfNew, out var added);
                var (mStatus, mAdded) = model.HashSet(op.Db, key, FieldName(op.Key2), op.Text, onlyIfNew);
                Assert.Equal(mStatus, status);
                Assert.Equal(mAdded, added);
                break;
            }

            case Kind.HashGet:
            {
                var (status, value) = db.HGetText(key, FieldName(op.Key2));
                var (mStatus, mValue) = model.HashGet(op.Db, key, FieldName(op.Key2));
                Assert.Equal(mStatus, status);
                Assert.Equal(mValue, value);
                break;
            }

            case Kind.HashDelete:
            {
                var status = db.HashDelete(k, B(FieldName(op.Key2)), out var removed);
                var (mStatus, mRemoved) = model.HashDelete(op.Db, key, FieldName(op.Key2));
                Assert.Equal(mStatus, status);
                Assert.Equal(mRemoved, removed);
                break;
            }

            case Kind.HashLength:
            {
                var status = db.HashLength(k, out var length);
                var (mStatus, mLength) = model.HashLength(op.Db, key);
                Assert.Equal(mStatus, status);
                Assert.Equal(mLength, length);
                break;
            }

            case Kind.HashGetAll:
            {
                var pairs = new PairList();
                var status = db.HashGetAll(k, ref pairs);
                var (mStatus, mPairs) = model.HashGetAll(op.Db, key);
                Assert.Equal(mStatus, status);
                Assert.Equal(mPairs.Order(), pairs.Items.Order());
                break;
            }

            case Kind.Rename:
            {
                var onlyIfAbsent = op.Option % 3 == 0;
                var destination = KeyName(op.Key2);
                Assert.Equal(model.Transfer(op.Db, key, op.Db, destination, replace: !onlyIfAbsent, removeSource: true),
                    db.Rename(k, B(destination), onlyIfAbsent));
                break;
            }

            case Kind.Copy:
            {
                var replace = op.Option % 2 == 0;
                var targetDb = (op.Db + (op.Option / 6)) % Databases;
                var destination = KeyName(op.Key2);
                Assert.Equal(model.Transfer(op.Db, key, targetDb, destination, replace, removeSource: false),
                    db.Copy(k, keyspace[targetDb], B(destination), replace));
                break;
            }

            case Kind.Flush:
                model.Flush(op.Db);
                db.Flush();
                Assert.Equal(0, db.Count);
                break;
            case Kind.Advance:
                clock.Advance(Math.Abs(op.Number));
                break;
        }
    }

    /// <summary>A key's value in the model: a string, or a hash as fields in insertion order.</summary>
    private sealed class Value
    {
        public string? Text;
        public List<(string Field, string Value)>? Fields;
        public long ExpireAt;

        public ValueKind Kind => Text != null ? ValueKind.String : ValueKind.Hash;

        public Value Clone() => new() { Text = Text, Fields = Fields?.ToList(), ExpireAt = ExpireAt };
    }

    /// <summary>Redis's semantics, written as plainly as possible.</summary>
    private sealed class Model(ManualTimeProvider clock)
    {
        private readonly Dictionary<(int Db, string Key), Value> _keys = new();

        public Value? Find(int db, string key)
        {
            if (!_keys.TryGetValue((db, key), out var v))
            {
                return null;
            }

            if (v.ExpireAt != 0 && v.ExpireAt <= clock.NowMs)
            {
                _keys.Remove((db, key));
                return null;
            }

            return v;
        }

        public IEnumerable<string> LiveKeys(int db) =>
            _keys.Keys.Where(k => k.Db == db).Select(k => k.Key).ToList().Where(k => Find(db, k) != null);

        public long ExpireAt(int db, string key)
        {
            var v = Find(db, key);
            return v == null ? -2 : v.ExpireAt == 0 ? -1 : v.ExpireAt;
        }

        public (StorageStatus, string?) Set(int db, string key, string text, SetCondition condition, Expiry expiry, bool wantOld)
        {
            var v = Find(db, key);
            string? old = null;
            if (wantOld && v != null)
            {
                if (v.Kind != ValueKind.String)
                {
                    return (StorageStatus.WrongType, null);
                }

                old = v.Text;
            }

            if ((condition == SetCondition.IfAbsent && v != null) || (condition == SetCondition.IfExists && v == null))
            {
                return (StorageStatus.NotApplied, old);
            }

            var expireAt = expiry.Keep ? v?.ExpireAt ?? 0 : expiry.At;
            _keys[(db, key)] = new Value { Text = text, ExpireAt = expireAt };
            return (StorageStatus.Ok, old);
        }

        public (StorageStatus, string?) Get(int db, string key)
        {
            var v = Find(db, key);
            return v == null ? (StorageStatus.NotFound, null)
                : v.Kind != ValueKind.String ? (StorageStatus.WrongType, null)
                : (StorageStatus.Ok, v.Text);
        }

        public (StorageStatus, string?) GetEx(int db, string key, Expiry expiry)
        {
            var (status, text) = Get(db, key);
            if (status != StorageStatus.Ok || expiry.Keep)
            {
                return (status, text);
            }

            if (expiry.At != 0 && expiry.At <= clock.NowMs)
            {
                _keys.Remove((db, key));
            }
            else
            {
                Find(db, key)!.ExpireAt = expiry.At;
            }

            return (status, text);
        }

        public bool Delete(int db, string key) => Find(db, key) != null && _keys.Remove((db, key));

        public (StorageStatus, long) Increment(int db, string key, long delta)
        {
            var v = Find(db, key);
            long current = 0;
            if (v != null)
            {
                if (v.Kind != ValueKind.String)
                {
                    return (StorageStatus.WrongType, 0);
                }

                if (!IsRedisInteger(v.Text!, out current))
                {
                    return (StorageStatus.NotInteger, 0);
                }
            }

            var result = current + delta;
            _keys[(db, key)] = new Value { Text = result.ToString(CultureInfo.InvariantCulture), ExpireAt = v?.ExpireAt ?? 0 };
            return (StorageStatus.Ok, result);
        }

        public (StorageStatus, long) Append(int db, string key, string text)
        {
            var v = Find(db, key);
            if (v == null)
            {
                _keys[(db, key)] = new Value { Text = text };
                return (StorageStatus.Ok, Encoding.UTF8.GetByteCount(text));
            }

            if (v.Kind != ValueKind.String)
            {
                return (StorageStatus.WrongType, 0);
            }

            v.Text += text;
            return (StorageStatus.Ok, Encoding.UTF8.GetByteCount(v.Text));
        }

        public StorageStatus ExpireAt(int db, string key, long at, ExpireCondition condition)
        {
            var v = Find(db, key);
            if (v == null)
            {
                return StorageStatus.NotFound;
            }

            var allowed = condition switch
            {
                ExpireCondition.IfNoTtl => v.ExpireAt == 0,
                ExpireCondition.IfHasTtl => v.ExpireAt != 0,
                ExpireCondition.IfLater => v.ExpireAt != 0 && at > v.ExpireAt,
                ExpireCondition.IfEarlier => v.ExpireAt == 0 || at < v.ExpireAt,
                _ => true,
            };
            if (!allowed)
            {
                return StorageStatus.NotApplied;
            }

            if (at <= clock.NowMs)
            {
                _keys.Remove((db, key));
            }
            else
            {
                v.ExpireAt = at;
            }

            return StorageStatus.Ok;
        }

        public bool Persist(int db, string key)
        {
            var v = Find(db, key);
            if (v == null || v.ExpireAt == 0)
            {
                return false;
            }

            v.ExpireAt = 0;
            return true;
        }

        public (StorageStatus, bool) HashSet(int db, string key, string field, string text, bool onlyIfNew)
        {
            var v = Find(db, key);
            if (v == null)
            {
                _keys[(db, key)] = new Value { Fields = [(field, text)] };
                return (StorageStatus.Ok, true);
            }

            if (v.Kind != ValueKind.Hash)
            {
                return (StorageStatus.WrongType, false);
            }

            var i = v.Fields!.FindIndex(p => p.Field == field);
            if (i >= 0 && onlyIfNew)
            {
                return (StorageStatus.NotApplied, false);
            }

            if (i >= 0)
            {
                v.Fields[i] = (field, text);
            }
            else
            {
                v.Fields.Add((field, text));
            }

            return (StorageStatus.Ok, i < 0);
        }

        public (StorageStatus, string?) HashGet(int db, string key, string field)
        {
            var v = Find(db, key);
            if (v == null)
            {
                return (StorageStatus.NotFound, null);
            }

            if (v.Kind != ValueKind.Hash)
            {
                return (StorageStatus.WrongType, null);
            }

            var i = v.Fields!.FindIndex(p => p.Field == field);
            return i < 0 ? (StorageStatus.NotFound, null) : (StorageStatus.Ok, v.Fields[i].Value);
        }

        public (StorageStatus, bool) HashDelete(int db, string key, string field)
        {
            var v = Find(db, key);
            if (v == null)
            {
                return (StorageStatus.Ok, false);
            }

            if (v.Kind != ValueKind.Hash)
            {
                return (StorageStatus.WrongType, false);
            }

            var removed = v.Fields!.RemoveAll(p => p.Field == field) > 0;
            if (v.Fields.Count == 0)
            {
                _keys.Remove((db, key));
            }

            return (StorageStatus.Ok, removed);
        }

        public (StorageStatus, long) HashLength(int db, string key)
        {
            var v = Find(db, key);
            return v == null ? (StorageStatus.Ok, 0)
                : v.Kind != ValueKind.Hash ? (StorageStatus.WrongType, 0)
                : (StorageStatus.Ok, v.Fields!.Count);
        }

        public (StorageStatus, List<(string, string)>) HashGetAll(int db, string key)
        {
            var v = Find(db, key);
            return v == null ? (StorageStatus.NotFound, [])
                : v.Kind != ValueKind.Hash ? (StorageStatus.WrongType, [])
                : (StorageStatus.Ok, v.Fields!.Select(p => (p.Field, p.Value)).ToList());
        }

        public StorageStatus Transfer(int fromDb, string source, int toDb, string destination, bool replace, bool removeSource)
        {
            var v = Find(fromDb, source);
            if (v == null)
            {
                return StorageStatus.NotFound;
            }

            if (fromDb == toDb && source == destination)
            {
                return removeSource && replace ? StorageStatus.Ok : StorageStatus.NotApplied;
            }

            if (Find(toDb, destination) != null && !replace)
            {
                return StorageStatus.NotApplied;
            }

            _keys[(toDb, destination)] = v.Clone();
            if (removeSource)
            {
                _keys.Remove((fromDb, source));
            }

            return StorageStatus.Ok;
        }

        public void Flush(int db)
        {
            foreach (var k in _keys.Keys.Where(k => k.Db == db).ToList())
            {
                _keys.Remove(k);
            }
        }

        private static bool IsRedisInteger(string text, out long value)
        {
            value = 0;
            var digits = text.StartsWith('-') ? text[1..] : text;
            var canonical = text == "0" || (digits.Length > 0 && digits[0] is >= '1' and <= '9' && digits.All(char.IsAsciiDigit));
            return canonical && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
        }
    }
}
