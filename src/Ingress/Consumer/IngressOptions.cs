// Settings of the Kinesis consumer, from `basketball.ingress` in akka.hocon.
using Akka.Basketball.Ingress.Checkpoints;

namespace Akka.Basketball.Ingress.Consumer;

/// <param name="StreamName">Input stream (BASKETBALL_STREAM).</param>
/// <param name="InitialPosition">Where a shard without checkpoint starts.</param>
/// <param name="GetRecordsLimit">Records per GetRecords call (AWS allows 10,000).</param>
/// <param name="MinPollInterval">At least this long between two GetRecords of one shard (AWS: 5 calls/s per shard).</param>
/// <param name="IdlePollInterval">Wait after an empty batch before asking again.</param>
/// <param name="PrefetchBatches">Batches read ahead of processing per shard (bounded: back-pressure beyond).</param>
/// <param name="MaxAggregatesInFlight">Aggregates of one shard delivered to entities at once.</param>
/// <param name="AskTimeout">How long one delivery to an entity may take before it is retried.</param>
/// <param name="MaxDeliveryAttempts">Deliveries of one group before its events become processing_failed dead letters.</param>
/// <param name="CheckpointEvery">Write checkpoints at least this often…</param>
/// <param name="CheckpointEveryRecords">…or after this many durable records, whichever comes first.</param>
/// <param name="ShardDiscoveryInterval">How often the shard list is refreshed (new children after a split or merge).</param>
public sealed record IngressOptions(
    string StreamName,
    ShardStartPosition InitialPosition,
    int GetRecordsLimit,
    TimeSpan MinPollInterval,
    TimeSpan IdlePollInterval,
    int PrefetchBatches,
    int MaxAggregatesInFlight,
    TimeSpan AskTimeout,
    int MaxDeliveryAttempts,
    TimeSpan CheckpointEvery,
    int CheckpointEveryRecords,
    TimeSpan ShardDiscoveryInterval)
{
    public static IngressOptions Default { get; } = new(
        "basketball-events",
        ShardStartPosition.TrimHorizon,
        GetRecordsLimit: 5_000,
        MinPollInterval: TimeSpan.FromMilliseconds(200),
        IdlePollInterval: TimeSpan.FromMilliseconds(250),
        PrefetchBatches: 2,
        MaxAggregatesInFlight: 512,
        AskTimeout: TimeSpan.FromSeconds(10),
        MaxDeliveryAttempts: 12,
        CheckpointEvery: TimeSpan.FromSeconds(1),
        CheckpointEveryRecords: 5_000,
        ShardDiscoveryInterval: TimeSpan.FromSeconds(10));
}
