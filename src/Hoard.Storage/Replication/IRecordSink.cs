namespace Hoard.Storage.Replication;

/// <summary>
/// Receives replication records (docs/replication.md): the keyspace's stream of changes, or a snapshot's keys.
/// The stream's records arrive synchronously under the changed key's shard lock, in the order the changes were
/// applied: copy the bytes and return, never call back into the keyspace.
/// </summary>
public interface IRecordSink
{
    /// <summary>One whole record; the span is valid only during the call.</summary>
    /// <param name="record">The record's bytes, kind first.</param>
    void Write(ReadOnlySpan<byte> record);
}
