// Durable, fenced Kinesis checkpoints: one row per (stream, shard) with the watermark, the SHARD_END marker,
// and the owner + epoch that make sure only the current reader of a shard can move it.
namespace Basketball.Ingress.Checkpoints;

public interface ICheckpointStore
{
    /// <summary>Takes the shard by incrementing its epoch (atomically); returns the lease and the checkpoint to resume from.</summary>
    /// <param name="expectedEpoch">When given, the shard is taken only if its epoch is still this one (nobody took it since the
    /// caller read the row); otherwise <see cref="ShardLeaseHeldException"/>. A shard without a row is taken either way.</param>
    Task<ShardLease> AcquireAsync(string stream, string shardId, string owner, long? expectedEpoch = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves the checkpoint forward (never backwards) and/or sets the shard-end marker, only if the lease is still current.
    /// </summary>
    /// <exception cref="CheckpointFencedException">The lease is stale; nothing was written.</exception>
    Task SaveAsync(ShardLease lease, string? sequenceNumber, bool shardEnd, CancellationToken cancellationToken = default);

    /// <summary>Writes many checkpoints in one transaction; returns the leases that were fenced (their writes did nothing).</summary>
    Task<IReadOnlyList<ShardLease>> SaveManyAsync(IReadOnlyList<CheckpointWrite> writes, CancellationToken cancellationToken = default);

    Task<ShardCheckpoint?> GetAsync(string stream, string shardId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<ShardCheckpoint>> ListAsync(string stream, CancellationToken cancellationToken = default);

    /// <summary>
    /// Clears the checkpoint and the shard-end marker, records where to start instead, and fences the current
    /// owner (its next save fails, it stops; the next acquire reads from <paramref name="position"/>).
    /// </summary>
    Task ResetAsync(string stream, string shardId, ShardStartPosition position, CancellationToken cancellationToken = default);

    /// <summary>Gives the shard up after draining (the checkpoint stays). A stale lease releases nothing.</summary>
    Task ReleaseAsync(ShardLease lease, CancellationToken cancellationToken = default);
}
