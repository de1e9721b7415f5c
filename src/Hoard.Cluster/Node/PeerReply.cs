namespace Hoard.Cluster.Node;

/// <summary>One reply from another node: a status or bulk text, an integer, an error, or an array of replies.</summary>
/// <param name="IsError">Whether the node answered with an error.</param>
/// <param name="Text">The status, error or integer text; null for a null bulk and for an array.</param>
/// <param name="Bulk">The bytes of a bulk reply, else empty.</param>
/// <param name="Items">The elements of an array reply, else null.</param>
public sealed record PeerReply(bool IsError, string? Text, ReadOnlyMemory<byte> Bulk, IReadOnlyList<PeerReply>? Items = null);
