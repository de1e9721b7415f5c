namespace Hoard.Cluster.Node;

/// <summary>The leader's answer to a change another node sent it.</summary>
/// <param name="Error">Null when the change committed (or was already true), else the error text.</param>
/// <param name="Epoch">On success, the leader's topology epoch with the change applied.</param>
public readonly record struct ProposalAnswer(string? Error, long Epoch);
