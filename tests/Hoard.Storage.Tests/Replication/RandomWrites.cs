using System.Globalization;
using CsCheck;
using Hoard.Storage.Tests.Support;
using static Hoard.Storage.Tests.Support.DatabaseText;

namespace Hoard.Storage.Tests.Replication;

/// <summary>
/// Random commands for the replication tests: every kind of write (strings, counters, hashes growing past the packed
/// limits, TTLs, renames, copies, flushes, swaps) plus reads (which expire lazily), active expiry and a clock that
/// moves. Their outcome does not matter here, only that a replica ends in the same state.
/// </summary>
public static class RandomWrites
{
    public const int Databases = 3;
    private const int KeyCount = 10;
    private const int FieldCount = 6;

    public enum Kind
    {
        Set, Get, Delete, Increment, IncrementFloat, Append, SetRange, ExpireAt, Persist, GetEx, GetDelete,
        HashSet, HashDelete, HashIncrement, Rename, Copy, Flush, FlushAll, Swap, Advance, ActiveExpire,
    }

    public sealed record Op(Kind Kind, int Db, int Key, int Key2, int Number, int Option, string Text)
    {
        public override string ToString() =>
            $"{Kind}(db{Db} k{Key} k{Key2} n={Number} o={Option} '{(Text.Length > 12 ? Text[..12] + "…" + Text.Length : Text)}')";
    }

    /// <summary>Options that make hashes change encoding often and entries move between segments.</summary>
    public static StorageOptions Options(int shards, long maxMemory = 0) => new()
    {
        Databases = Databases,
        Shards = shards,
        SegmentSize = 1024,
        HashMaxListpackEntries = 4,
        HashMaxListpackValue = 16,
        MaxMemory = maxMemory,
        Policy = maxMemory == 0 ? EvictionPolicy.S3Fifo : EvictionPolicy.AllKeysLru,
    };

    private static readonly Gen<string> GenText = Gen.Frequency(
        (3, Gen.Int[-50, 50].Select(i => i.ToString(CultureInfo.InvariantCulture))),
        (3, Gen.Int['a', 'c'].Select(Gen.Int[0, 12], (c, n) => new string((char)c, n))),
        (2, Gen.Int['x', 'z'].Select(Gen.Int[13, 300], (c, n) => new string((char)c, n))));

    /// <summary>Every kind of command; swaps only when <paramref name="swaps"/>.</summary>
    public static Gen<Op> Ops(bool swaps = true) => Gen.Select(GenKind(swaps), Gen.Int[0, Databases - 1], Gen.Int[0, KeyCount - 1],
            Gen.Int[0, KeyCount - 1], Gen.Int[-500, 3000], Gen.Int[0, 11], GenText)
        .Select((kind, db, key, key2, number, option, text) => new Op(kind, db, key, key2, number, option, text));

    private static Gen<Kind> GenKind(bool swaps) => Gen.Frequency(
        (8, Gen.Const(Kind.Set)), (3, Gen.Const(Kind.Get)), (3, Gen.Const(Kind.Delete)), (4, Gen.Const(Kind.Increment)),
        (1, Gen.Const(Kind.IncrementFloat)), (2, Gen.Const(Kind.Append)), (2, Gen.Const(Kind.SetRange)),
        (4, Gen.Const(Kind.ExpireAt)), (2, Gen.Const(Kind.Persist)), (2, Gen.Const(Kind.GetEx)), (1, Gen.Const(Kind.GetDelete)),
        (10, Gen.Const(Kind.HashSet)), (3, Gen.Const(Kind.HashDelete)), (2, Gen.Const(Kind.HashIncrement)),
        (2, Gen.Const(Kind.Rename)), (2, Gen.Const(Kind.Copy)), (1, Gen.Const(Kind.Flush)), (1, Gen.Const(Kind.FlushAll)),
        (swaps ? 1 : 0, Gen.Const(Kind.Swap)), (3, Gen.Const(Kind.Advance)), (1, Gen.Const(Kind.ActiveExpire)));

    public static void Run(Op op, Keyspace keyspace, ManualTimeProvider clock)
    {
        var db = keyspace[op.Db];
        var k = B($"k{op.Key}");
        var field = B($"f{op.Key2 % FieldCount}");
        var now = clock.NowMs;
        var sink = default(BytesSink);
        switch (op.Kind)
        {
            case Kind.Set:
                var expiry = (op.Option / 3) switch
                {
                    0 => Expiry.None,
                    1 => Expiry.KeepTtl,
                    _ => Expiry.AtUnixMs(now + op.Number),
                };
                db.Set(k, B(op.Text), (SetCondition)(op.Option % 3), expiry, wantOld: op.Number % 2 == 0, ref sink, out _);
                break;
            case Kind.Get:
                db.Get(k, ref sink);
                break;
            case Kind.Delete:
                db.Delete(k);
                break;
            case Kind.Increment:
                db.Increment(k, op.Number, out _);
                break;
            case Kind.IncrementFloat:
                db.IncrementFloat(k, op.Number / 8.0, out _);
                break;
            case Kind.Append:
                db.Append(k, B(op.Text), out _);
                break;
            case Kind.SetRange:
                db.SetRange(k, op.Option, B(op.Text), out _);
                break;
            case Kind.ExpireAt:
                db.SetExpireAt(k, now + op.Number, (ExpireCondition)(op.Option % 5));
                break;
            case Kind.Persist:
                db.Persist(k);
                break;
            case Kind.GetEx:
                db.GetAndExpire(k, op.Option % 3 == 0 ? Expiry.None : Expiry.AtUnixMs(now + op.Number), ref sink);
                break;
            case Kind.GetDelete:
                db.GetDelete(k, ref sink);
                break;
            case Kind.HashSet:
                db.HashSet(k, field, B(op.Text), onlyIfNew: op.Option == 0, out _);
                break;
            case Kind.HashDelete:
                db.HashDelete(k, field, out _);
                break;
            case Kind.HashIncrement:
                db.HashIncrement(k, field, op.Number, out _);
                break;
            case Kind.Rename:
                db.Rename(k, B($"k{op.Key2}"), onlyIfAbsent: op.Option % 3 == 0);
                break;
            case Kind.Copy:
                db.Copy(k, keyspace[(op.Db + op.Option) % Databases], B($"k{op.Key2}"), replace: op.Option % 2 == 0);
                break;
            case Kind.Flush:
                db.Flush();
                break;
            case Kind.FlushAll:
                if (op.Option == 0)
                {
                    keyspace.FlushAll(); // rarer than FLUSHDB: it leaves little to compare
                }

                break;
            case Kind.Swap:
                keyspace.SwapDatabases(op.Db, (op.Db + 1 + (op.Option % (Databases - 1))) % Databases);
                break;
            case Kind.Advance:
                clock.Advance(Math.Abs(op.Number));
                break;
            case Kind.ActiveExpire:
                keyspace.RunActiveExpireCycle(TimeSpan.FromSeconds(1));
                break;
        }
    }
}
