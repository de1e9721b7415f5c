using Hoard.Storage.Lists;
using Hoard.Storage.Objects;

namespace Hoard.Storage;

/// <summary>Replaying list operation records (<see cref="ListOperation"/>) through the same code the commands run.</summary>
public sealed unsafe partial class Database
{
    /// <summary>Applies one list operation record to <paramref name="key"/>.</summary>
    /// <exception cref="InvalidDataException">The operation is unknown or its payload malformed.</exception>
    internal StorageStatus ApplyListOperation(ReadOnlySpan<byte> key, byte operation, ReadOnlySpan<byte> payload, bool replicate)
    {
        var k = new KeyRef(this, key);
        var reader = new ListPayload.Reader(payload);
        switch ((ListOperation)operation)
        {
            case ListOperation.PushLeft or ListOperation.PushRight:
            {
                var elements = new ArrayElements(PackedElements.ToArray(payload));
                lock (k.Shard.Gate)
                {
                    return PushLocked(k, key, elements, operation == (byte)ListOperation.PushLeft, onlyIfExists: false, replicate, out _);
                }
            }

            case ListOperation.PopLeft or ListOperation.PopRight:
            {
                var count = reader.Int32();
                reader.End();
                var discard = new DiscardSink();
                lock (k.Shard.Gate)
                {
                    var status = PopLocked(k, key, operation == (byte)ListOperation.PopLeft, count, ref discard, replicate);
                    return status == StorageStatus.NotFound ? StorageStatus.Ok : status;
                }
            }

            case ListOperation.Set:
            {
                var index = reader.Int32();
                var element = reader.Element();
                reader.End();
                lock (k.Shard.Gate)
                {
                    var status = SetLocked(k, key, index, element, replicate);
                    return status is StorageStatus.NotFound or StorageStatus.NotApplied ? StorageStatus.Ok : status;
                }
            }

            case ListOperation.Insert:
            {
                var before = reader.Number() != 0;
                var pivot = reader.Element();
                var element = reader.Element();
                reader.End();
                lock (k.Shard.Gate)
                {
                    return InsertLocked(k, key, before, pivot, element, replicate, out _);
                }
            }

            case ListOperation.Remove:
            {
                var zigzag = reader.Number();
                var count = (long)(zigzag >> 1) ^ -(long)(zigzag & 1);
                var element = reader.Element();
                reader.End();
                lock (k.Shard.Gate)
                {
                    return RemoveLocked(k, key, count, element, replicate, out _);
                }
            }

            case ListOperation.Trim:
            {
                var from = reader.Int32();
                var to = reader.Int32();
                reader.End();
                lock (k.Shard.Gate)
                {
                    return TrimLocked(k, key, from, to, replicate);
                }
            }

            default:
                throw new InvalidDataException($"Lists have no operation {operation} ({payload.Length} bytes).");
        }
    }

    /// <summary>Takes popped elements and drops them (a pop record being applied has no reply).</summary>
    private struct DiscardSink : ICountedSink
    {
        public readonly void Start(int count)
        {
        }

        public readonly void Write(scoped ReadOnlySpan<byte> value)
        {
        }
    }
}
