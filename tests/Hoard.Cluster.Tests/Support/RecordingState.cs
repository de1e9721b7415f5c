using System.Buffers.Binary;
using System.Text;
using Hoard.Cluster.Consensus;

namespace Hoard.Cluster.Tests.Support;

/// <summary>A replicated state that records the entries applied to it, as text, and notices concurrent use.</summary>
public sealed class RecordingState : IReplicatedState
{
    private readonly Lock gate = new();
    private readonly List<string> entries = [];
    private int users;
    private bool usedConcurrently;
    private int restores;

    private readonly TaskCompletionSource applying = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>When set, Apply waits for it: a test can hold an entry between its commit and its application.</summary>
    public ManualResetEventSlim? ApplyGate { get; init; }

    /// <summary>Completes when an Apply starts.</summary>
    public Task ApplyStarted => applying.Task;

    /// <summary>The entries applied so far, in order.</summary>
    public IReadOnlyList<string> Entries
    {
        get
        {
            lock (gate)
                return [.. entries];
        }
    }

    /// <summary>Whether two of Apply, Snapshot and Restore ever overlapped.</summary>
    public bool UsedConcurrently
    {
        get
        {
            lock (gate)
                return usedConcurrently;
        }
    }

    /// <summary>How many times a snapshot was restored.</summary>
    public int Restores
    {
        get
        {
            lock (gate)
                return restores;
        }
    }

    public void Apply(ReadOnlySpan<byte> entry)
    {
        var text = Encoding.UTF8.GetString(entry);
        Use(() =>
        {
            applying.TrySetResult();
            ApplyGate?.Wait();
            lock (gate)
                entries.Add(text);
        });
    }

    public byte[] Snapshot()
    {
        var snapshot = new List<byte>();
        Use(() =>
        {
            foreach (var entry in Entries)
            {
                var bytes = Encoding.UTF8.GetBytes(entry);
                var length = new byte[4];
                BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
                snapshot.AddRange(length);
                snapshot.AddRange(bytes);
            }
        });
        return [.. snapshot];
    }

    public void Restore(ReadOnlySpan<byte> snapshot)
    {
        var restored = new List<string>();
        while (!snapshot.IsEmpty)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(snapshot);
            restored.Add(Encoding.UTF8.GetString(snapshot.Slice(4, length)));
            snapshot = snapshot[(4 + length)..];
        }

        Use(() =>
        {
            lock (gate)
            {
                entries.Clear();
                entries.AddRange(restored);
                restores++;
            }
        });
    }

    private void Use(Action action)
    {
        if (Interlocked.Increment(ref users) != 1)
        {
            lock (gate)
                usedConcurrently = true;
        }

        try
        {
            action();
        }
        finally
        {
            Interlocked.Decrement(ref users);
        }
    }
}
