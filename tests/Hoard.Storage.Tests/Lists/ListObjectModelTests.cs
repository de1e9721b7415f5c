using CsCheck;
using Hoard.Storage.Lists;

namespace Hoard.Storage.Tests.Lists;

/// <summary>
/// Random operation sequences against <see cref="ListObject"/> and a <see cref="List{T}"/> of byte arrays, comparing
/// every result and checking the object's bookkeeping (counts, offsets, tail cache, byte size) after each step.
/// </summary>
public class ListObjectModelTests
{
    public enum Kind { PushLeft, PushRight, PopLeft, PopRight, Index, Range, Set, Insert, Remove, Trim, Positions, Clone, Packed }

    public sealed record Op(Kind Kind, int A, int B, int Value, int Size)
    {
        public override string ToString() => $"{Kind}({A}, {B}, v{Value}, s{Size})";
    }

    private static readonly Gen<Kind> GenKind = Gen.Frequency(
        (10, Gen.Const(Kind.PushLeft)), (10, Gen.Const(Kind.PushRight)), (5, Gen.Const(Kind.PopLeft)), (6, Gen.Const(Kind.PopRight)),
        (3, Gen.Const(Kind.Index)), (2, Gen.Const(Kind.Range)), (3, Gen.Const(Kind.Set)), (2, Gen.Const(Kind.Insert)),
        (2, Gen.Const(Kind.Remove)), (1, Gen.Const(Kind.Trim)), (2, Gen.Const(Kind.Positions)), (1, Gen.Const(Kind.Clone)),
        (1, Gen.Const(Kind.Packed)));

    private static readonly Gen<Op> GenOp = Gen.Select(GenKind, Gen.Int[-40, 40], Gen.Int[-40, 40], Gen.Int[0, 6],
            Gen.Frequency((6, Gen.Int[0, 12]), (2, Gen.Int[100, 300]), (1, Gen.Int[2000, 5000])))
        .Select((kind, a, b, value, size) => new Op(kind, a, b, value, size));

    private static byte[] Element(int value, int size)
    {
        var bytes = new byte[size + 1];
        Array.Fill(bytes, (byte)('a' + value));
        bytes[0] = (byte)('0' + value);
        return bytes;
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(-2)]
    [InlineData(4)]
    [InlineData(3)]
    [InlineData(1)]
    public void Random_operation_sequences_agree_with_a_list_model(int fill)
    {
        GenOp.Array[20, 300].Sample(ops => Run(ops, fill), iter: 300, print: ops => string.Join("\n", ops.Select(o => o.ToString())));
    }

    private static void Run(Op[] ops, int fill)
    {
        var list = new ListObject(fill);
        var model = new List<byte[]>();
        foreach (var op in ops)
        {
            Step(ref list, model, op, fill);
            list.Verify();
            Assert.Equal(model.Count, list.Count);
        }

        Assert.Equal(model, Contents(list));
    }

    private static void Step(ref ListObject list, List<byte[]> model, Op op, int fill)
    {
        var element = Element(op.Value, op.Size);
        switch (op.Kind)
        {
            case Kind.PushLeft:
                list.PushLeft(element);
                model.Insert(0, element);
                break;
            case Kind.PushRight:
                list.PushRight(element);
                model.Add(element);
                break;
            case Kind.PopLeft or Kind.PopRight:
            {
                var sink = new Collect();
                var popped = op.Kind == Kind.PopLeft ? list.PopLeft(ref sink) : list.PopRight(ref sink);
                Assert.Equal(model.Count > 0, popped);
                if (popped)
                {
                    var at = op.Kind == Kind.PopLeft ? 0 : model.Count - 1;
                    Assert.Equal(model[at], sink.Items[0]);
                    model.RemoveAt(at);
                }

                break;
            }

            case Kind.Index:
            {
                var sink = new Collect();
                var index = op.A < 0 ? op.A + model.Count : op.A;
                Assert.Equal(index >= 0 && index < model.Count, list.Get(op.A, ref sink));
                if (sink.Items.Count > 0)
                {
                    Assert.Equal(model[index], sink.Items[0]);
                }

                break;
            }

            case Kind.Range:
            {
                var sink = new Collect();
                if (list.Normalize(op.A, op.B, out var from, out var to))
                {
                    list.Range(from, to, ref sink);
                }

                Assert.Equal(ModelRange(model, op.A, op.B), sink.Items);
                break;
            }

            case Kind.Set:
            {
                var index = op.A < 0 ? op.A + model.Count : op.A;
                var valid = index >= 0 && index < model.Count;
                Assert.Equal(valid, list.Set(op.A, element));
                if (valid)
                {
                    model[index] = element;
                }

                break;
            }

            case Kind.Insert:
            {
                var pivot = Element(op.B & 3, op.Size % 3);
                var at = model.FindIndex(e => e.AsSpan().SequenceEqual(pivot));
                Assert.Equal(at >= 0, list.Insert(pivot, element, before: op.A >= 0));
                if (at >= 0)
                {
                    model.Insert(op.A >= 0 ? at : at + 1, element);
                }

                break;
            }

            case Kind.Remove:
            {
                var target = Element(op.Value, op.Size % 3);
                var count = op.A / 10;
                var expected = ModelRemove(model, count, target);
                Assert.Equal(expected, list.Remove(count, target));
                break;
            }

            case Kind.Trim:
            {
                var kept = ModelRange(model, op.A, op.B);
                list.Trim(op.A, op.B);
                model.Clear();
                model.AddRange(kept);
                break;
            }

            case Kind.Positions:
            {
                var target = Element(op.Value, op.Size % 3);
                var rank = op.A == 0 ? 1 : op.A / 8 == 0 ? Math.Sign(op.A) : op.A / 8;
                var count = Math.Abs(op.B) % 4;
                var positions = new List<long>();
                list.Positions(target, rank, count, 0, positions);
                Assert.Equal(ModelPositions(model, target, rank, count), positions);
                break;
            }

            case Kind.Clone:
                list = (ListObject)list.Clone();
                break;
            default:
                if (model.Count > 0)
                {
                    var packed = new byte[list.GetPackedSize()];
                    Assert.Equal(packed.Length, list.WritePacked(packed));
                    list = ListObject.FromPacked(packed, fill);
                }

                break;
        }
    }

    private static List<byte[]> ModelRange(List<byte[]> model, long start, long stop)
    {
        if (start < 0)
        {
            start += model.Count;
        }

        if (stop < 0)
        {
            stop += model.Count;
        }

        start = Math.Max(0, start);
        stop = Math.Min(stop, model.Count - 1);
        return start > stop ? [] : model.GetRange((int)start, (int)(stop - start + 1));
    }

    private static int ModelRemove(List<byte[]> model, int count, byte[] target)
    {
        var removed = 0;
        var budget = count == 0 ? int.MaxValue : Math.Abs(count);
        if (count >= 0)
        {
            for (var i = 0; i < model.Count && removed < budget;)
            {
                if (model[i].AsSpan().SequenceEqual(target))
                {
                    model.RemoveAt(i);
                    removed++;
                }
                else
                {
                    i++;
                }
            }
        }
        else
        {
            for (var i = model.Count - 1; i >= 0 && removed < budget; i--)
            {
                if (model[i].AsSpan().SequenceEqual(target))
                {
                    model.RemoveAt(i);
                    removed++;
                }
            }
        }

        return removed;
    }

    private static List<long> ModelPositions(List<byte[]> model, byte[] target, int rank, int count)
    {
        var result = new List<long>();
        var skip = Math.Abs(rank) - 1;
        for (var k = 0; k < model.Count; k++)
        {
            var i = rank > 0 ? k : model.Count - 1 - k;
            if (model[i].AsSpan().SequenceEqual(target) && skip-- <= 0)
            {
                result.Add(i);
                if (count != 0 && result.Count >= count)
                {
                    break;
                }
            }
        }

        return result;
    }

    internal static List<byte[]> Contents(ListObject list)
    {
        var sink = new Collect();
        list.ForEach(ref sink);
        return sink.Items;
    }

    internal struct Collect : IValueSink
    {
        public Collect() => Items = [];

        public List<byte[]> Items { get; }

        public readonly void Write(scoped ReadOnlySpan<byte> value) => Items.Add(value.ToArray());
    }
}
