// Thrown when a checkpoint write carries a lease that is no longer current: another reader took the shard
// (or an operator reset it) since. The stale reader must stop reading the shard at once.
namespace Basketball.Ingress.Checkpoints;

public sealed class CheckpointFencedException : Exception
{
    public CheckpointFencedException(ShardLease lease)
        : base($"Checkpoint of {lease.Stream}/{lease.ShardId} refused: lease of '{lease.Owner}' at epoch {lease.Epoch} " +
               "is no longer current (another reader acquired the shard, or it was reset). This reader must stop.")
    {
        Lease = lease;
    }

    public ShardLease Lease { get; }
}
