// One Kinesis shard as an Akka.Streams source of record batches: pull-driven (a batch is read only when
// downstream asks, plus a bounded prefetch), polite to the shard's read limits, and self-healing.
using Akka.Streams.Dsl;
using Akka.Util;
using Microsoft.Extensions.Logging;

namespace Basketball.Ingress.Consumer;

public static class ShardRecordSource
{
    /// <summary>
    /// Emits non-empty batches in sequence order; when a closed shard is read to its end it emits one final
    /// batch with no records and <see cref="ShardRecordBatch.NextIterator"/> = null (the SHARD_END marker)
    /// and completes. An expired iterator is replaced by one AFTER the last record READ (not the last
    /// checkpoint: records read but not yet durable are still in flight downstream and must not be re-read).
    /// </summary>
    /// <param name="stopReading">
    /// A drain: make no further GetRecords call and complete, but emit the answer of the call in flight. Records
    /// Kinesis has handed out are processed and checkpointed by this reader, so the next owner reads none of
    /// them again (a kill switch in front of the source would drop that answer unprocessed).
    /// </param>
    public static Source<ShardRecordBatch, Akka.NotUsed> Create(
        IShardStreamApi api, string shardId, ShardPosition start, IngressOptions options, ShardStatus status, ILogger logger,
        CancellationToken cancellationToken, CancellationToken stopReading = default)
    {
        var none = Option<(ReadState, ShardRecordBatch)>.None;
        var initial = new ReadState(null, null, start, Ended: false, EndEmitted: false, LastCall: DateTime.MinValue);
        return Source.UnfoldAsync(initial, async state =>
        {
            if (state.EndEmitted || cancellationToken.IsCancellationRequested || stopReading.IsCancellationRequested)
                return none;
            if (state.Ended)
                return (state with { EndEmitted = true }, new ShardRecordBatch([], null, 0));

            var iterator = state.Iterator ?? await api.GetIteratorAsync(shardId, state.Resume, cancellationToken);
            var lastCall = state.LastCall;
            // After an empty batch the next call waits idle-poll-interval from the previous CALL, not on top of
            // min-poll-interval: a caught-up shard is asked again as soon as both allow, so a record put into an
            // idle shard waits at most max(min, idle) to be read.
            var interval = options.MinPollInterval;
            using var waitEnds = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopReading);
            while (true)
            {
                var wait = lastCall + interval - DateTime.UtcNow;
                try
                {
                    if (wait > TimeSpan.Zero)
                        await Task.Delay(wait, waitEnds.Token);
                }
                catch (OperationCanceledException) when (stopReading.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    return none; // drained while waiting: nothing was handed out since the last batch
                }
                if (stopReading.IsCancellationRequested)
                    return none;
                lastCall = DateTime.UtcNow;

                ShardRecordBatch batch;
                try
                {
                    batch = await api.GetRecordsAsync(iterator, options.GetRecordsLimit, cancellationToken);
                }
                catch (ExpiredIteratorException)
                {
                    var resume = state.LastRead is null ? state.Resume : ShardPosition.After(state.LastRead);
                    logger.LogInformation("Iterator of shard {ShardId} expired; resuming at {Position}", shardId, resume);
                    iterator = await api.GetIteratorAsync(shardId, resume, cancellationToken);
                    continue;
                }

                status.ReportRead(batch);
                if (batch.Records.Count == 0)
                {
                    if (batch.NextIterator is null)
                        return (state with { Ended = true, EndEmitted = true, LastCall = lastCall }, batch);
                    iterator = batch.NextIterator;
                    interval = options.MinPollInterval > options.IdlePollInterval ? options.MinPollInterval : options.IdlePollInterval;
                    continue;
                }

                var next = new ReadState(batch.NextIterator, batch.Records[^1].SequenceNumber, state.Resume,
                    Ended: batch.NextIterator is null, EndEmitted: false, lastCall);
                return (next, batch);
            }
        });
    }

    private sealed record ReadState(string? Iterator, string? LastRead, ShardPosition Resume, bool Ended, bool EndEmitted, DateTime LastCall);
}
