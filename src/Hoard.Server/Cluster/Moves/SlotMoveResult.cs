namespace Hoard.Server.Cluster.Moves;

/// <summary>What a slot move did.</summary>
/// <param name="Keys">The keys its walk sent.</param>
/// <param name="Bytes">The bytes of records sent, walk and stream.</param>
/// <param name="Elapsed">How long it took.</param>
/// <param name="Held">How long the slots' commands were held.</param>
/// <param name="HeldWaiting">Of that, waiting for the commands already running to finish.</param>
/// <param name="HeldStream">Of that, sending the last of the stream and waiting until the target applied it.</param>
/// <param name="HeldConsensus">Of that, committing the handover.</param>
internal sealed record SlotMoveResult(long Keys, long Bytes, TimeSpan Elapsed, TimeSpan Held, TimeSpan HeldWaiting, TimeSpan HeldStream, TimeSpan HeldConsensus);
