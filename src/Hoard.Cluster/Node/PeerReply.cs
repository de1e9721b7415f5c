namespace Hoard.Cluster.Node;

/// <summary>One reply from another node: a status or bulk text, an integer, or an error.</summary>
/// <param name="IsError">Whether the node answered with an error.</param>
/// <param name="Text">The status, error or integer text; null for a null bulk.</param>
/// <param name="Bulk">The bytes of a bulk reply, else empty.</param>
public sealed record PeerReply(bool IsError, string? Text, ReadOnlyMemory<byte> Bulk);
