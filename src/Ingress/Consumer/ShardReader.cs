// Reads one Kinesis shard for as long as this node holds its lease: stream of batches → entities →
// dead letters, and a fenced checkpoint that only ever covers durable records.
using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;
using Basketball.Ingress.Checkpoints;
using Microsoft.Extensions.Logging;

namespace Basketball.Ingress.Consumer;

public sealed class ShardReader : ReceiveActor, IWithTimers
{
    private readonly string _shardId;
    private readonly string _owner;
    private readonly IShardStreamApi _api;
    private readonly ICheckpointStore _checkpoints;
    private readonly RecordBatchProcessor _processor;
    private readonly IngressOptions _options;
    private readonly IngressMetrics _metrics;
    private readonly ShardStatus _status;
    private readonly ILogger _logger;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly CancellationTokenSource _stopping = new();
    private readonly SequenceRange? _isolate;

    private ShardLease? _lease;
    private CheckpointWatermark _watermark = new();
    private readonly AggregateLanes _lanes;
    private UniqueKillSwitch? _killSwitch;
    private bool _saving;
    private int _durableSinceSave;
    private DateTime _leaseConfirmedAt = DateTime.UtcNow;
    private IActorRef? _drainRequester;

    /// <param name="isolate">Records that failed this shard's earlier readers repeatedly (<see cref="SuspectRecords"/>).</param>
    public ShardReader(string shardId, string owner, IShardStreamApi api, ICheckpointStore checkpoints, RecordBatchProcessor processor,
        IngressOptions options, IngressMetrics metrics, ShardStatus status, ILogger logger, SequenceRange? isolate = null)
    {
        _isolate = isolate;
        _shardId = shardId;
        _owner = owner;
        _api = api;
        _checkpoints = checkpoints;
        _processor = processor;
        _options = options;
        _metrics = metrics;
        _status = status;
        _logger = logger;
        _lanes = new AggregateLanes(options.MaxAggregatesInFlight);

        Receive<LeaseAcquired>(OnLeaseAcquired);
        Receive<BatchRead>(read =>
        {
            foreach (var record in read.SequenceNumbers)
                _watermark.Register(record);
        });
        Receive<BatchDone>(OnBatchDone);
        Receive<FlushCheckpoint>(_ =>
        {
            if (_watermark.HasUnsavedProgress)
                SaveCheckpoint();
            else
                ConfirmLease();
        });
        Receive<LeaseConfirmed>(_ =>
        {
            _saving = false;
            _leaseConfirmedAt = DateTime.UtcNow;
            if (_drainRequester is not null && _killSwitch is null)
                FinishDrain();
        });
        Receive<CheckpointSaved>(OnCheckpointSaved);
        Receive<CheckpointFailed>(OnCheckpointFailed);
        Receive<StreamEnded>(OnStreamEnded);
        Receive<Drain>(_ =>
        {
            _drainRequester = Sender;
            if (_killSwitch is null)
                Context.Stop(Self);
            else
                _killSwitch.Shutdown(); // stop reading; the batch in flight finishes, then StreamEnded
        });
        Receive<Status.Failure>(failure =>
        {
            _log.Warning("Shard {0}: could not take the lease: {1}", _shardId, failure.Cause.Message);
            Context.Stop(Self);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props PropsFor(string shardId, string owner, IShardStreamApi api, ICheckpointStore checkpoints, RecordBatchProcessor processor,
        IngressOptions options, IngressMetrics metrics, ShardStatus status, ILogger logger, SequenceRange? isolate = null) =>
        Props.Create(() => new ShardReader(shardId, owner, api, checkpoints, processor, options, metrics, status, logger, isolate));

    protected override void PreStart() =>
        _checkpoints.AcquireAsync(_api.StreamName, _shardId, _owner, _stopping.Token)
            .PipeTo(Self, success: lease => new LeaseAcquired(lease));

    protected override void PostStop()
    {
        _stopping.Cancel();
        _killSwitch?.Abort(new OperationCanceledException($"shard reader {_shardId} stopped"));
        _stopping.Dispose();
    }

    private void OnLeaseAcquired(LeaseAcquired acquired)
    {
        var lease = acquired.Lease;
        _lease = lease;
        _watermark = new CheckpointWatermark(lease.SequenceNumber);
        _status.ReportCheckpoint(lease.SequenceNumber, lease.ShardEnd);
        if (lease.ShardEnd)
        {
            Context.Parent.Tell(new ShardCompleted(_shardId));
            Context.Stop(Self);
            return;
        }

        var start = lease.SequenceNumber is not null
            ? ShardPosition.After(lease.SequenceNumber)
            : ShardPosition.From(lease.StartPosition ?? _options.InitialPosition);
        _log.Info("Shard {0}: reading from {1} (epoch {2})", _shardId, start, lease.Epoch);
        if (_isolate is not null)
            _log.Warning("Shard {0}: the records {1} failed earlier readers repeatedly; their dead letters are stored one by one, "
                + "and one that cannot be stored becomes a processing_failed letter", _shardId, _isolate);

        var self = Self;
        var token = _stopping.Token;
        var (killSwitch, completion) = ShardRecordSource.Create(_api, _shardId, start, _options, _status, _logger, token)
            .ViaMaterialized(KillSwitches.Single<ShardRecordBatch>(), Keep.Right)
            .Buffer(Math.Max(1, _options.PrefetchBatches), OverflowStrategy.Backpressure)
            .Select(batch =>
            {
                // Registered before processing starts, so the watermark knows every record in flight.
                self.Tell(new BatchRead(batch.Records.Select(r => r.SequenceNumber).ToArray()));
                return batch;
            })
            // Several batches at a time (BatchesInFlight), started in sequence order: the shard's lanes keep each
            // aggregate's events in that order across batches while other aggregates go on. Outcomes come out in
            // batch order; the watermark would cope with any order anyway.
            .SelectAsync(Math.Max(1, _options.BatchesInFlight), async batch =>
            {
                try
                {
                    return (Batch: batch, Outcome: await _processor.ProcessAsync(_shardId, batch, _lanes, token, _isolate));
                }
                catch (Exception ex) when (!token.IsCancellationRequested && batch.Records.Count > 0)
                {
                    // Named, so that the coordinator can tell records that fail every reader from a passing fault.
                    throw new BatchFailedException(SequenceRange.Of(batch), ex);
                }
            })
            .ToMaterialized(Sink.ForEach<(ShardRecordBatch Batch, BatchOutcome Outcome)>(done => self.Tell(new BatchDone(done.Batch, done.Outcome))), Keep.Both)
            .Run(Context.System.Materializer());
        _killSwitch = killSwitch;
        completion.ContinueWith(t => new StreamEnded(t.Exception?.GetBaseException()), TaskContinuationOptions.ExecuteSynchronously).PipeTo(self);
        Timers.StartPeriodicTimer(nameof(FlushCheckpoint), FlushCheckpoint.Instance, _options.CheckpointEvery);
    }

    private void OnBatchDone(BatchDone done)
    {
        foreach (var record in done.Batch.Records)
            _watermark.MarkDurable(record.SequenceNumber);
        _durableSinceSave += done.Batch.Records.Count;
        if (done.Outcome.ShardEnd)
            _watermark.MarkShardEnd();
        _metrics.ShardLag(_shardId, _status.MillisBehindLatest, _durableSinceSave + _watermark.InFlightCount);
        if (_durableSinceSave >= _options.CheckpointEveryRecords || _watermark.IsCompleteAtShardEnd)
            SaveCheckpoint();
    }

    private void SaveCheckpoint()
    {
        if (_saving || _lease is null || !_watermark.HasUnsavedProgress)
            return;
        _saving = true;
        var sequenceNumber = _watermark.Watermark;
        var shardEnd = _watermark.IsCompleteAtShardEnd;
        var saved = _durableSinceSave;
        _checkpoints.SaveAsync(_lease, sequenceNumber, shardEnd, CancellationToken.None).PipeTo(Self,
            success: () => new CheckpointSaved(sequenceNumber, shardEnd, saved),
            failure: ex => new CheckpointFailed(ex));
    }

    /// <summary>
    /// An idle reader writes nothing, so it would never learn that an operator reset the shard or another
    /// node took it: every <see cref="IngressOptions.LeaseCheckEvery"/> it checks its lease (a fenced no-op write).
    /// </summary>
    private void ConfirmLease()
    {
        if (_saving || _lease is null || DateTime.UtcNow - _leaseConfirmedAt < _options.LeaseCheckEvery)
            return;
        _saving = true;
        _checkpoints.SaveAsync(_lease, null, false, CancellationToken.None).PipeTo(Self,
            success: () => LeaseConfirmed.Instance,
            failure: ex => new CheckpointFailed(ex));
    }

    private void OnCheckpointSaved(CheckpointSaved saved)
    {
        _saving = false;
        _leaseConfirmedAt = DateTime.UtcNow;
        _watermark.MarkSaved(saved.SequenceNumber, saved.ShardEnd);
        _durableSinceSave -= saved.Records;
        _status.ReportCheckpoint(saved.SequenceNumber, saved.ShardEnd);
        _metrics.ShardLag(_shardId, _status.MillisBehindLatest, _durableSinceSave + _watermark.InFlightCount);
        if (saved.ShardEnd)
        {
            _log.Info("Shard {0}: read to its end, SHARD_END checkpoint written", _shardId);
            Context.Parent.Tell(new ShardCompleted(_shardId));
            Context.Stop(Self);
            return;
        }
        if (_drainRequester is not null && _killSwitch is null)
        {
            FinishDrain();
        }
        else if (_durableSinceSave >= _options.CheckpointEveryRecords)
        {
            SaveCheckpoint();
        }
    }

    private void OnCheckpointFailed(CheckpointFailed failed)
    {
        _saving = false;
        if (failed.Cause is CheckpointFencedException)
        {
            // Another reader took this shard, or an operator reset it (a newer epoch): stop at once, write
            // nothing more. The coordinator starts a new reader at its next discovery if the shard is still ours.
            _log.Warning("Shard {0}: lease lost to a newer owner or a reset; this reader stops", _shardId);
            _lease = null;
            Context.Stop(Self);
            return;
        }
        _log.Warning(failed.Cause, "Shard {0}: checkpoint write failed; retried at the next flush", _shardId);
    }

    private void OnStreamEnded(StreamEnded ended)
    {
        if (ended.Failure is not null && _drainRequester is null)
        {
            // The records in flight were not made durable: the checkpoint stays before them, the parent
            // starts a new reader after a pause, and that reader reads them again (entities deduplicate).
            _log.Warning(ended.Failure, "Shard {0}: reading failed; the reader restarts from its checkpoint", _shardId);
            if (ended.Failure is BatchFailedException failed)
                Context.Parent.Tell(new ShardBatchFailed(_shardId, failed.Records));
            SaveCheckpoint();
            Context.Stop(Self);
            return;
        }

        _killSwitch = null;
        if (_drainRequester is not null)
        {
            FinishDrain();
        }
        else if (!_watermark.IsCompleteAtShardEnd)
        {
            Context.Stop(Self); // cancelled: nothing else to do
        }
    }

    /// <summary>Draining and the stream has ended: save what became durable meanwhile, then release (each step
    /// waits for a write in flight; the handlers of its answer call this again).</summary>
    private void FinishDrain()
    {
        if (_saving)
            return;
        if (_watermark.HasUnsavedProgress)
            SaveCheckpoint();
        else
            ReleaseAndStop();
    }

    private void ReleaseAndStop()
    {
        var requester = _drainRequester;
        var lease = _lease;
        _lease = null;
        _log.Info("Shard {0}: drained; released at checkpoint {1} ({2} records not durable)", _shardId, _watermark.Watermark ?? "(none)", _watermark.InFlightCount);
        var release = lease is null ? Task.CompletedTask : _checkpoints.ReleaseAsync(lease, CancellationToken.None);
        release.ContinueWith(_ => new Drained(_shardId), TaskContinuationOptions.ExecuteSynchronously).PipeTo(requester ?? ActorRefs.Nobody);
        Context.Stop(Self);
    }

    private sealed record LeaseAcquired(ShardLease Lease);

    private sealed record BatchRead(IReadOnlyList<string> SequenceNumbers);

    private sealed record BatchDone(ShardRecordBatch Batch, BatchOutcome Outcome);

    private sealed record CheckpointSaved(string? SequenceNumber, bool ShardEnd, int Records);

    private sealed record CheckpointFailed(Exception Cause);

    private sealed record StreamEnded(Exception? Failure);

    private sealed class FlushCheckpoint
    {
        public static readonly FlushCheckpoint Instance = new();
    }

    private sealed class LeaseConfirmed
    {
        public static readonly LeaseConfirmed Instance = new();
    }
}

/// <summary>Reader → coordinator: the shard is read to its end and its SHARD_END checkpoint is stored.</summary>
public sealed record ShardCompleted(string ShardId);

/// <summary>Coordinator → reader: stop reading, finish the batch in flight, checkpoint, release the lease.</summary>
public sealed record Drain
{
    public static readonly Drain Instance = new();
}

public sealed record Drained(string ShardId);
