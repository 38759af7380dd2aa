// One row of the checkpoint table as `ingress status` and the resharding rule (children wait for their
// parents' SHARD_END) see it.
namespace Basketball.Ingress.Checkpoints;

/// <param name="Owner">The current lease holder; null when released or reset.</param>
public sealed record ShardCheckpoint(
    string Stream,
    string ShardId,
    string? SequenceNumber,
    bool ShardEnd,
    ShardStartPosition? StartPosition,
    string? Owner,
    long Epoch,
    DateTimeOffset UpdatedAt);
