namespace Hoard.Server.Cluster.Moves;

/// <summary>A slot move ended without handing its slots over; the message is the client's error, in Redis's wording.</summary>
internal sealed class SlotMoveException(string message) : Exception(message);
