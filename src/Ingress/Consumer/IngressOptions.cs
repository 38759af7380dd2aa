// Settings of the Kinesis consumer, read by IngressSettings.Read from `basketball.ingress` in akka.hocon, where every
// default is written. Not the only place a default lives: Read has fallbacks of its own for batches-in-flight,
// lease-check-every, lease-expiry and max-batch-failures (used when the file leaves the key out), and MaxBatchFailures
// and LeaseExpiry below have default values too; keep them equal to akka.hocon's.
using Basketball.Ingress.Checkpoints;

namespace Basketball.Ingress.Consumer;

/// <param name="StreamName">Input stream (BASKETBALL_STREAM).</param>
/// <param name="InitialPosition">Where a shard without checkpoint starts.</param>
/// <param name="GetRecordsLimit">Records per GetRecords call (AWS allows 10,000).</param>
/// <param name="MinPollInterval">At least this long between two GetRecords of one shard (AWS: 5 calls/s per shard).</param>
/// <param name="IdlePollInterval">After an empty batch, at least this long from that call to the next (never added to MinPollInterval).</param>
/// <param name="PrefetchBatches">Batches read ahead of processing per shard (bounded: back-pressure beyond).</param>
/// <param name="MaxAggregatesInFlight">Aggregates of one shard delivered to entities at once (across its batches in flight).</param>
/// <param name="BatchesInFlight">Batches of one shard processed at once; an aggregate's events still go one group at a time.</param>
/// <param name="AskTimeout">How long one delivery to an entity may take before it is retried.</param>
/// <param name="MaxDeliveryAttempts">Deliveries of one group before its events become processing_failed dead letters.</param>
/// <param name="CheckpointEvery">Write checkpoints at least this often…</param>
/// <param name="CheckpointEveryRecords">…or after this many durable records, whichever comes first.</param>
/// <param name="ShardDiscoveryInterval">How often the shard list is refreshed (new children after a split or merge).</param>
/// <param name="LeaseCheckEvery">How often an idle reader checks that its lease is still its own (resets, takeovers).</param>
/// <param name="MaxBatchFailures">Times the same records may fail a shard's reader before the next reader isolates them
/// (each record's dead letter stored alone; one that cannot be becomes a plain processing_failed letter).</param>
/// <remarks><see cref="LeaseExpiry"/>: a reader takes no shard whose lease a live member wrote less than this long ago
/// (<see cref="LeaseTakeover"/>).</remarks>
public sealed record IngressOptions(
    string StreamName,
    ShardStartPosition InitialPosition,
    int GetRecordsLimit,
    TimeSpan MinPollInterval,
    TimeSpan IdlePollInterval,
    int PrefetchBatches,
    int MaxAggregatesInFlight,
    int BatchesInFlight,
    TimeSpan AskTimeout,
    int MaxDeliveryAttempts,
    TimeSpan CheckpointEvery,
    int CheckpointEveryRecords,
    TimeSpan ShardDiscoveryInterval,
    TimeSpan LeaseCheckEvery,
    int MaxBatchFailures = 3)
{
    public TimeSpan LeaseExpiry { get; init; } = TimeSpan.FromSeconds(10);
}
