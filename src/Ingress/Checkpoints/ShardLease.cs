// Ownership of one shard's checkpoint row, as taken by AcquireAsync: the fencing token for every later write.
namespace Basketball.Ingress.Checkpoints;

/// <param name="Owner">Who holds the shard (typically the node address plus a reader incarnation).</param>
/// <param name="Epoch">Incremented by every acquire (and reset); a write carrying an older epoch is refused.</param>
/// <param name="SequenceNumber">The checkpoint when the lease was acquired: resume AFTER_SEQUENCE_NUMBER this; null = none.</param>
/// <param name="ShardEnd">The shard was already read to its end (SHARD_END checkpoint): nothing more to read.</param>
/// <param name="StartPosition">Where to start when there is no checkpoint, if an operator reset asked for one; else null (use the configured default).</param>
public sealed record ShardLease(
    string Stream,
    string ShardId,
    string Owner,
    long Epoch,
    string? SequenceNumber,
    bool ShardEnd,
    ShardStartPosition? StartPosition);
