// Prometheus series of the ingress (SPEC §8): records read, events applied, duplicates, dead letters by
// reason, per-shard lag. Updated once per batch, never per record.
using Basketball.Domain.Events;
using Basketball.Ingress.DeadLetters;
using Prometheus;

namespace Basketball.Ingress.Consumer;

public sealed class IngressMetrics
{
    private static readonly Counter RecordsRead = Metrics.CreateCounter(
        "basketball_records_read_total", "Kinesis records read and processed", new CounterConfiguration { LabelNames = ["shard"] });

    private static readonly Counter EventsApplied = Metrics.CreateCounter(
        "basketball_events_applied_total", "Events applied by their entity");

    // cause="record": the record came again (a producer retry, a re-read after a crash);
    // cause="retry": our own delivery retry after a lost answer (the first attempt had applied it).
    private static readonly Counter Duplicates = Metrics.CreateCounter(
        "basketball_duplicates_total", "Events recognised as duplicates (eventId already applied)", new CounterConfiguration { LabelNames = ["cause"] });

    private static readonly Counter DeadLetters = Metrics.CreateCounter(
        "basketball_dead_letters_total", "Records stored as dead letters", new CounterConfiguration { LabelNames = ["reason"] });

    private static readonly Gauge MillisBehindLatest = Metrics.CreateGauge(
        "basketball_shard_millis_behind_latest", "Kinesis MillisBehindLatest of the last read", new GaugeConfiguration { LabelNames = ["shard"] });

    private static readonly Gauge CheckpointLag = Metrics.CreateGauge(
        "basketball_shard_checkpoint_lag_records", "Records read but not yet covered by the stored checkpoint", new GaugeConfiguration { LabelNames = ["shard"] });

    // Every reason and cause is published from the start at 0, so that a node's first dead letter is an increase
    // that rate() and the alert rules see, not the appearance of a new series.
    static IngressMetrics()
    {
        foreach (var reason in Enum.GetValues<RejectionReason>())
            DeadLetters.WithLabels(reason.ToCode());
        Duplicates.WithLabels("record");
        Duplicates.WithLabels("retry");
    }

    public void RecordBatch(string shardId, int records, int applied, int duplicates, int retryDuplicates, IReadOnlyList<DeadLetter> letters)
    {
        RecordsRead.WithLabels(shardId).Inc(records);
        EventsApplied.Inc(applied);
        Duplicates.WithLabels("record").Inc(duplicates);
        Duplicates.WithLabels("retry").Inc(retryDuplicates);
        foreach (var group in letters.GroupBy(l => l.Reason))
            DeadLetters.WithLabels(group.Key).Inc(group.Count());
    }

    public void ShardLag(string shardId, long millisBehindLatest, long recordsNotCheckpointed)
    {
        MillisBehindLatest.WithLabels(shardId).Set(millisBehindLatest);
        CheckpointLag.WithLabels(shardId).Set(recordsNotCheckpointed);
    }

    /// <summary>
    /// The lag of every shard this node reads, from what its last GetRecords said (an empty answer too, which the
    /// per-batch update never sees). Called on the status actor's probe, every few seconds, not per record.
    /// </summary>
    public void ShardLagFrom(IngressStatusBoard board)
    {
        // Both series again, not only the lag in time: another reader of the same shard id in this process (tests run
        // several nodes in one) may have removed them when it stopped.
        foreach (var shard in board.Reading)
        {
            MillisBehindLatest.WithLabels(shard.ShardId).Set(shard.MillisBehindLatest);
            CheckpointLag.WithLabels(shard.ShardId).Set(shard.CheckpointLagRecords);
        }
    }

    /// <summary>A shard this node no longer reads has no lag here: its series go, or they would hold their last value.</summary>
    public void ShardStopped(string shardId)
    {
        MillisBehindLatest.RemoveLabelled(shardId);
        CheckpointLag.RemoveLabelled(shardId);
    }
}
