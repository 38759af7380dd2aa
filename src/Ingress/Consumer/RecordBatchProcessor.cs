// Turns one GetRecords batch into durable effects: parse every record, deliver each aggregate's events in
// sequence order (different aggregates in parallel, bounded), store the dead letters, and only then report
// the batch as done — the checkpoint may pass a record only once its effect is durable.
//
// A KPL aggregated record is opened here into its user records, each one event with its own partition key, in the
// aggregate's order. The batch (and so the checkpoint, which moves per batch) is done only when every user record
// of every aggregate in it is settled, so the checkpoint never passes an aggregate that is durable only in part;
// after a crash the whole aggregate is read again and the entities answer its applied part as duplicates. Each
// user record is routed by its envelope's aggregate id: none is dropped for hashing outside the shard (as KCL does).
using Basketball.Domain;
using Basketball.Domain.Events;
using Basketball.Ingress.DeadLetters;
using Basketball.Kinesis;

namespace Basketball.Ingress.Consumer;

public sealed record BatchOutcome(string ShardId, string? LastSequenceNumber, bool ShardEnd, int Records, int Applied, int Duplicates, int DeadLetters);

public sealed class RecordBatchProcessor(EventDelivery delivery, IDeadLetterSink deadLetters, IngressMetrics metrics)
{
    /// <summary>
    /// Processes one batch. <paramref name="lanes"/> belongs to the shard: a batch may start while earlier batches
    /// of the shard are still in flight, and an aggregate's events wait only for that aggregate's earlier ones.
    /// Parsing and delivery answer every record (each turns any exception into a processing_failed rejection);
    /// what can still throw is storing the dead letters. <paramref name="isolate"/>: records that failed the shard's
    /// readers repeatedly (see <see cref="SuspectRecords"/>), whose dead letters are stored one by one.
    /// </summary>
    public async Task<BatchOutcome> ProcessAsync(string shardId, ShardRecordBatch batch, AggregateLanes lanes, CancellationToken cancellationToken,
        SequenceRange? isolate = null)
    {
        if (batch.Records.Count == 0)
            return new BatchOutcome(shardId, null, batch.NextIterator is null, 0, 0, 0, 0);

        var receivedAt = DateTimeOffset.UtcNow;
        var letters = new List<DeadLetter>();
        // Insertion-ordered groups: records of one aggregate keep their sequence order inside the group.
        var groups = new Dictionary<(AggregateType, string), List<(EventEnvelope Event, EventSource Record)>>();
        void Parse(EventSource source)
        {
            switch (EventParser.Parse(source.Data.AsMemory())) // in place: the record's bytes outlive the parse; never throws
            {
                case ParseResult.Parsed parsed:
                    var key = (parsed.Event.AggregateType, parsed.Event.AggregateId);
                    if (!groups.TryGetValue(key, out var group))
                        groups[key] = group = [];
                    group.Add((parsed.Event, source));
                    break;
                case ParseResult.Invalid invalid:
                    letters.Add(DeadLetterOf(invalid.Rejection, shardId, source, receivedAt));
                    break;
            }
        }

        foreach (var record in batch.Records)
        {
            if (!KplAggregate.IsAggregate(record.Data))
            {
                Parse(new EventSource(record, record.PartitionKey, record.Data, null));
                continue;
            }
            var aggregate = KplAggregate.Read(record.Data);
            if (aggregate.Records is null)
            {
                var broken = new Rejection(RejectionReason.MalformedAggregate, $"The record is {aggregate.Problem}.");
                letters.Add(DeadLetterOf(broken, shardId, new EventSource(record, record.PartitionKey, record.Data, null), receivedAt));
                continue;
            }
            foreach (var user in aggregate.Records)
                Parse(new EventSource(record, user.PartitionKey, user.Data, user.SubSequenceNumber));
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
        {
            if (isolate is not null && letters.Any(letter => isolate.Contains(letter.SequenceNumber!)))
                await StoreIsolatedAsync(letters, isolate, cancellationToken);
            else
                await deadLetters.StoreManyAsync(letters, cancellationToken);
        }

        metrics.RecordBatch(shardId, batch.Records.Count, applied, duplicates, retryDuplicates, letters);
        return new BatchOutcome(shardId, batch.Records[^1].SequenceNumber, batch.NextIterator is null,
            batch.Records.Count, applied, duplicates, letters.Count);
    }

    /// <summary>
    /// Stores each letter alone. A suspect record's letter that cannot be stored is replaced by a plain one (reason
    /// processing_failed, only ASCII text, the raw bytes kept); if that fails too, the database itself is away and
    /// the exception fails the batch as before, to be read again once it is back.
    /// </summary>
    private async Task StoreIsolatedAsync(List<DeadLetter> letters, SequenceRange isolate, CancellationToken cancellationToken)
    {
        for (var i = 0; i < letters.Count; i++)
        {
            try
            {
                await deadLetters.StoreManyAsync([letters[i]], cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && isolate.Contains(letters[i].SequenceNumber!))
            {
                var letter = letters[i];
                var plain = letter with
                {
                    Reason = RejectionReason.ProcessingFailed.ToCode(),
                    Message = $"this record failed its shard's reader repeatedly: its {letter.Reason} dead letter could not be stored "
                        + $"({ex.GetType().Name}: {PlainAscii(ex.Message, 200)}); kept with its raw bytes only",
                    EventId = null,
                    AggregateId = null,
                    PartitionKey = PlainAscii(letter.PartitionKey, 256),
                };
                await deadLetters.StoreManyAsync([plain], cancellationToken);
                letters[i] = plain;
            }
        }
    }

    private static string PlainAscii(string text, int maxLength)
    {
        var kept = text.Where(c => c is >= ' ' and <= '~').Take(maxLength).ToArray();
        return new string(kept);
    }

    private static DeadLetter DeadLetterOf(Rejection rejection, string shardId, EventSource source, DateTimeOffset receivedAt) =>
        new(rejection.Code, rejection.Message, rejection.EventId, rejection.AggregateId, source.PartitionKey, shardId,
            source.Record.SequenceNumber, source.Data, receivedAt, source.SubSequenceNumber);

    /// <summary>
    /// The bytes of one event: a plain Kinesis record, or one user record of an aggregated one (its own partition key
    /// and data, and its sub-sequence number); a dead letter of it keeps exactly these bytes. A struct: one is made
    /// for every record of every batch, and it lives only in this batch's groups.
    /// </summary>
    private readonly record struct EventSource(ShardRecord Record, string PartitionKey, byte[] Data, int? SubSequenceNumber);
}
