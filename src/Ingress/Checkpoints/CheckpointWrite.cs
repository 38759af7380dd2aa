// One checkpoint to write under a lease; batches of these go to the store in one transaction.
namespace Basketball.Ingress.Checkpoints;

/// <param name="SequenceNumber">The new watermark; null writes only the shard-end marker (a closed shard with no new records).</param>
public sealed record CheckpointWrite(ShardLease Lease, string? SequenceNumber, bool ShardEnd);
