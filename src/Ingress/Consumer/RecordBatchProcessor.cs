// Turns one GetRecords batch into durable effects: parse every record, deliver each aggregate's events in
// sequence order (different aggregates in parallel, bounded), store the dead letters, and only then report
// the batch as done — the checkpoint may pass a record only once its effect is durable.
using Akka.Basketball.Ingress.DeadLetters;
using Akka.Basketball.Shards.Domain;
using Akka.Basketball.Shards.Events;

namespace Akka.Basketball.Ingress.Consumer;

public sealed record BatchOutcome(string ShardId, string? LastSequenceNumber, bool ShardEnd, int Records, int Applied, int Duplicates, int DeadLetters);

public sealed class RecordBatchProcessor(EventDelivery delivery, IDeadLetterSink deadLetters, IngressMetrics metrics)
{
    /// <summary>
    /// Processes one batch. <paramref name="lanes"/> belongs to the shard: a batch may start while earlier batches
    /// of the shard are still in flight, and an aggregate's events wait only for that aggregate's earlier ones.
    /// </summary>
    public async Task<BatchOutcome> ProcessAsync(string shardId, ShardRecordBatch batch, AggregateLanes lanes, CancellationToken cancellationToken)
    {
        if (batch.Records.Count == 0)
            return new BatchOutcome(shardId, null, batch.NextIterator is null, 0, 0, 0, 0);

        var receivedAt = DateTimeOffset.UtcNow;
        var letters = new List<DeadLetter>();
        // Insertion-ordered groups: records of one aggregate keep their sequence order inside the group.
        var groups = new Dictionary<(AggregateType, string), List<(EventEnvelope Event, ShardRecord Record)>>();
        foreach (var record in batch.Records)
        {
            switch (EventParser.Parse(record.Data.AsMemory())) // in place: the record's bytes outlive the parse
            {
                case ParseResult.Parsed parsed:
                    var key = (parsed.Event.AggregateType, parsed.Event.AggregateId);
                    if (!groups.TryGetValue(key, out var group))
                        groups[key] = group = [];
                    group.Add((parsed.Event, record));
                    break;
                case ParseResult.Invalid invalid:
                    letters.Add(DeadLetterOf(invalid.Rejection, shardId, record, receivedAt));
                    break;
            }
        }

        var applied = 0;
        var duplicates = 0;
        var retryDuplicates = 0;
        // Every group takes its place in its aggregate's lane now, before the first await: batches of a shard are
        // started in sequence order, so each aggregate's groups are delivered in sequence order across batches.
        var deliveries = groups.Select(pair => lanes.RunAsync(pair.Key.Item1, pair.Key.Item2, async () =>
        {
            var events = pair.Value.Select(p => p.Event).ToArray();
            var delivered = await delivery.DeliverAsync(pair.Key.Item1, pair.Key.Item2, events, cancellationToken);
            return (Group: pair.Value, Delivered: delivered);
        }, cancellationToken)).ToArray();

        foreach (var (group, delivered) in await Task.WhenAll(deliveries))
        {
            for (var i = 0; i < group.Count; i++)
            {
                var outcome = delivered.Outcomes[i];
                switch (outcome.Kind)
                {
                    case OutcomeKind.Applied:
                        applied++;
                        break;
                    case OutcomeKind.Duplicate when delivered.Attempts > 1:
                        retryDuplicates++;
                        break;
                    case OutcomeKind.Duplicate:
                        duplicates++;
                        break;
                    case OutcomeKind.Rejected:
                        letters.Add(DeadLetterOf(outcome.Rejection!, shardId, group[i].Record, receivedAt));
                        break;
                }
            }
        }

        if (letters.Count > 0)
            await deadLetters.StoreManyAsync(letters, cancellationToken);

        metrics.RecordBatch(shardId, batch.Records.Count, applied, duplicates, retryDuplicates, letters);
        return new BatchOutcome(shardId, batch.Records[^1].SequenceNumber, batch.NextIterator is null,
            batch.Records.Count, applied, duplicates, letters.Count);
    }

    private static DeadLetter DeadLetterOf(Rejection rejection, string shardId, ShardRecord record, DateTimeOffset receivedAt) =>
        new(rejection.Code, rejection.Message, rejection.EventId, rejection.AggregateId, record.PartitionKey, shardId,
            record.SequenceNumber, record.Data, receivedAt);
}
