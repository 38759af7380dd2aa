// Reads one Kinesis shard for as long as this node holds its lease: stream of batches → entities →
// dead letters, and a fenced checkpoint that only ever covers durable records.
//
// Its life cycle is a state machine, one behaviour per state (Become), as Akka.NET's own Shard is:
//
//   AcquiringLease ─lease─▶ Reading ─Drain─▶ Draining ─stream ended─▶ Releasing ─final checkpoint, release─▶ stopped, Drained
//         │                   │  └─stream completed at the shard end─▶ Completing ─SHARD_END checkpoint─▶ stopped, ShardCompleted
//         │                   └─stream failed─▶ stopped (saves what is durable; ShardBatchFailed when a batch failed)
//         └─lease already at SHARD_END (ShardCompleted), acquire failed, or Drain─▶ stopped
//
// Each state after AcquiringLease comes in two variants, idle and writing (a checkpoint save or a lease check in
// flight): only an idle variant starts a write, so there is never more than one at a time, and the writing variant
// takes the write's answer and returns to idle. A SHARD_END checkpoint saved, in whatever state, completes the
// shard; a fenced write (CheckpointFencedException) stops the reader at once, writing nothing more.
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
    // A drain: the source makes no further GetRecords call, emits the answer of the one in flight, and completes.
    private readonly CancellationTokenSource _stopReading = new();
    private readonly SequenceRange? _isolate;
    private readonly AggregateLanes _lanes;
    private readonly ILiveOwners? _liveOwners;

    // Set when the lease is taken, for every state after AcquiringLease.
    private ShardLease _lease = null!;
    private CheckpointWatermark _watermark = new();
    private int _durableSinceSave;
    private DateTime _leaseConfirmedAt = DateTime.UtcNow;
    // The running stream, for PostStop to abort; null once it ended.
    private UniqueKillSwitch? _killSwitch;

    /// <param name="isolate">Records that failed this shard's earlier readers repeatedly (<see cref="SuspectRecords"/>).</param>
    /// <param name="liveOwners">Who is a live member: the lease is not taken from one that still writes it (<see cref="LeaseTakeover"/>).
    /// Null: the lease is taken from whoever holds it.</param>
    public ShardReader(string shardId, string owner, IShardStreamApi api, ICheckpointStore checkpoints, RecordBatchProcessor processor,
        IngressOptions options, IngressMetrics metrics, ShardStatus status, ILogger logger, SequenceRange? isolate = null,
        ILiveOwners? liveOwners = null)
    {
        _isolate = isolate;
        _liveOwners = liveOwners;
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
        AcquiringLease();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props PropsFor(string shardId, string owner, IShardStreamApi api, ICheckpointStore checkpoints, RecordBatchProcessor processor,
        IngressOptions options, IngressMetrics metrics, ShardStatus status, ILogger logger, SequenceRange? isolate = null,
        ILiveOwners? liveOwners = null) =>
        Props.Create(() => new ShardReader(shardId, owner, api, checkpoints, processor, options, metrics, status, logger, isolate, liveOwners));

    protected override void PreStart() =>
        TakeLeaseAsync(_stopping.Token).PipeTo(Self, success: lease => new LeaseAcquired(lease));

    /// <summary>Looks at the row, and takes the lease only if nobody live holds it and nobody took it since the look.</summary>
    private async Task<ShardLease> TakeLeaseAsync(CancellationToken token)
    {
        if (_liveOwners is null)
            return await _checkpoints.AcquireAsync(_api.StreamName, _shardId, _owner, cancellationToken: token);
        var current = await _checkpoints.GetAsync(_api.StreamName, _shardId, token);
        if (LeaseTakeover.Refusal(current, _owner, _liveOwners, DateTimeOffset.UtcNow, _options.LeaseExpiry) is { } refusal)
            throw new ShardLeaseHeldException(_api.StreamName, _shardId, refusal);
        return await _checkpoints.AcquireAsync(_api.StreamName, _shardId, _owner, current?.Epoch, token);
    }

    private void ReportLag()
    {
        _status.ReportCheckpointLag(_durableSinceSave + _watermark.InFlightCount);
        _metrics.ShardLag(_shardId, _status.MillisBehindLatest, _status.CheckpointLagRecords);
    }

    protected override void PostStop()
    {
        _stopping.Cancel();
        _killSwitch?.Abort(new OperationCanceledException($"shard reader {_shardId} stopped"));
        _stopping.Dispose();
        _stopReading.Dispose();
    }

    // ---- States -------------------------------------------------------------------------------------------

    /// <summary>The lease is being taken (PreStart asked for it); nothing is read yet.</summary>
    private void AcquiringLease()
    {
        Receive<LeaseAcquired>(acquired => StartReading(acquired.Lease));
        Receive<Status.Failure>(failure =>
        {
            _log.Warning("Shard {0}: could not take the lease: {1}", _shardId, failure.Cause.Message);
            Context.Stop(Self);
        });
        // Nothing read, nothing to checkpoint or release: stop at once (with no Drained answer, as ever).
        Receive<Drain>(_ => Context.Stop(Self));
    }

    /// <summary>
    /// The stream runs: each batch is registered with the watermark before it is processed, made durable when done,
    /// and checkpointed every <see cref="IngressOptions.CheckpointEveryRecords"/> durable records, at the shard end,
    /// and at each flush.
    /// </summary>
    private void Reading(bool writing)
    {
        Action whileWriting = () => Reading(writing: true);
        ReceiveBatches(writing, whileWriting);
        ReceiveFlush(writing, whileWriting);
        Receive<Drain>(_ =>
        {
            var requester = Sender;
            _stopReading.Cancel(); // stop reading; the batches read (the last call's too) finish, then StreamEnded
            Become(() => Draining(requester, writing));
        });
        Receive<StreamEnded>(ended =>
        {
            if (ended.Failure is not null)
            {
                // The records in flight were not made durable: the checkpoint stays before them, the parent
                // starts a new reader after a pause, and that reader reads them again (entities deduplicate).
                _log.Warning(ended.Failure, "Shard {0}: reading failed; the reader restarts from its checkpoint", _shardId);
                if (ended.Failure is BatchFailedException failed)
                    Context.Parent.Tell(new ShardBatchFailed(_shardId, failed.Records));
                if (!writing)
                    StartSave(); // what is durable; nobody waits for its answer
                Context.Stop(Self);
                return;
            }

            _killSwitch = null;
            if (_watermark.IsCompleteAtShardEnd)
                Become(() => Completing(writing));
            else
                Context.Stop(Self); // cancelled: nothing else to do
        });
        if (writing)
            ReceiveWriteAnswer(idle: () => Reading(writing: false), afterSave: () => SaveIfDue(whileWriting));
    }

    /// <summary>
    /// Drain asked, the stream is stopping: the batches already read finish and are checkpointed as in
    /// <see cref="Reading"/>; a failure of the stream now is just its end.
    /// </summary>
    private void Draining(IActorRef requester, bool writing)
    {
        Action whileWriting = () => Draining(requester, writing: true);
        ReceiveBatches(writing, whileWriting);
        ReceiveFlush(writing, whileWriting);
        Receive<Drain>(_ =>
        {
            var latest = Sender; // the last to ask is answered
            _stopReading.Cancel();
            Become(() => Draining(latest, writing));
        });
        Receive<StreamEnded>(_ =>
        {
            _killSwitch = null;
            Become(() => Releasing(requester, writing));
            if (!writing)
                FinishDrain(requester);
        });
        if (writing)
            ReceiveWriteAnswer(idle: () => Draining(requester, writing: false), afterSave: () => SaveIfDue(whileWriting));
    }

    /// <summary>
    /// Draining, the stream has ended: save what became durable meanwhile, then release and answer
    /// <see cref="Drained"/> (after the write in flight, if any; a failed write is retried at the next flush).
    /// </summary>
    private void Releasing(IActorRef requester, bool writing)
    {
        ReceiveFlush(writing, () => Releasing(requester, writing: true));
        // Asked again once the stream has ended: stop at once (with no Drained answer, as ever).
        Receive<Drain>(_ => Context.Stop(Self));
        if (writing)
            ReceiveWriteAnswer(idle: () => Releasing(requester, writing: false),
                afterSave: () => FinishDrain(requester), afterLeaseCheck: () => FinishDrain(requester));
    }

    /// <summary>
    /// The stream completed at the shard end and every record is durable: the SHARD_END checkpoint is in flight, or
    /// is written at the next flush; once saved, the parent is told <see cref="ShardCompleted"/>.
    /// </summary>
    private void Completing(bool writing)
    {
        Action whileWriting = () => Completing(writing: true);
        ReceiveFlush(writing, whileWriting);
        // Nothing left to drain: stop at once (with no Drained answer, as ever); the next reader writes SHARD_END.
        Receive<Drain>(_ => Context.Stop(Self));
        if (writing)
            ReceiveWriteAnswer(idle: () => Completing(writing: false), afterSave: () => SaveIfDue(whileWriting));
    }

    // ---- Handlers shared by the states ---------------------------------------------------------------------

    private void ReceiveBatches(bool writing, Action whileWriting)
    {
        Receive<BatchRead>(read =>
        {
            foreach (var record in read.SequenceNumbers)
                _watermark.Register(record);
        });
        Receive<BatchDone>(done =>
        {
            foreach (var record in done.Batch.Records)
                _watermark.MarkDurable(record.SequenceNumber);
            _durableSinceSave += done.Batch.Records.Count;
            if (done.Outcome.ShardEnd)
                _watermark.MarkShardEnd();
            ReportLag();
            if (!writing && (_durableSinceSave >= _options.CheckpointEveryRecords || _watermark.IsCompleteAtShardEnd))
                Save(whileWriting);
        });
    }

    /// <summary>The periodic flush: save unsaved progress, else check the lease now and then. A write in flight is enough.</summary>
    private void ReceiveFlush(bool writing, Action whileWriting) =>
        Receive<FlushCheckpoint>(_ =>
        {
            if (writing)
                return;
            if (_watermark.HasUnsavedProgress)
                Save(whileWriting);
            else
                ConfirmLease(whileWriting);
        });

    /// <summary>The answers to the write in flight; each returns to the <paramref name="idle"/> variant of the state.</summary>
    private void ReceiveWriteAnswer(Action idle, Action afterSave, Action? afterLeaseCheck = null)
    {
        Receive<CheckpointSaved>(saved =>
        {
            _leaseConfirmedAt = DateTime.UtcNow;
            _watermark.MarkSaved(saved.SequenceNumber, saved.ShardEnd);
            _durableSinceSave -= saved.Records;
            _status.ReportCheckpoint(saved.SequenceNumber, saved.ShardEnd);
            ReportLag();
            if (saved.ShardEnd)
            {
                _log.Info("Shard {0}: read to its end, SHARD_END checkpoint written", _shardId);
                Context.Parent.Tell(new ShardCompleted(_shardId));
                Context.Stop(Self);
                return;
            }
            Become(idle);
            afterSave();
        });
        Receive<LeaseConfirmed>(_ =>
        {
            _leaseConfirmedAt = DateTime.UtcNow;
            Become(idle);
            afterLeaseCheck?.Invoke();
        });
        Receive<CheckpointFailed>(failed =>
        {
            if (failed.Cause is CheckpointFencedException)
            {
                // Another reader took this shard, or an operator reset it (a newer epoch): stop at once, write
                // nothing more. The coordinator starts a new reader at its next discovery if the shard is still ours.
                _log.Warning("Shard {0}: lease lost to a newer owner or a reset; this reader stops", _shardId);
                Context.Stop(Self);
                return;
            }
            _log.Warning(failed.Cause, "Shard {0}: checkpoint write failed; retried at the next flush", _shardId);
            Become(idle);
        });
    }

    // ---- Steps ---------------------------------------------------------------------------------------------

    private void StartReading(ShardLease lease)
    {
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
        var (killSwitch, completion) = ShardRecordSource.Create(_api, _shardId, start, _options, _status, _logger, token, _stopReading.Token)
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
        Become(() => Reading(writing: false));
    }

    /// <summary>Saves the watermark (and the shard end) if it moved since the last save, entering <paramref name="whileWriting"/>.</summary>
    private void Save(Action whileWriting)
    {
        if (StartSave())
            Become(whileWriting);
    }

    private void SaveIfDue(Action whileWriting)
    {
        if (_durableSinceSave >= _options.CheckpointEveryRecords)
            Save(whileWriting);
    }

    /// <returns>False when there was nothing new to save.</returns>
    private bool StartSave()
    {
        if (!_watermark.HasUnsavedProgress)
            return false;
        var sequenceNumber = _watermark.Watermark;
        var shardEnd = _watermark.IsCompleteAtShardEnd;
        var saved = _durableSinceSave;
        _checkpoints.SaveAsync(_lease, sequenceNumber, shardEnd, CancellationToken.None).PipeTo(Self,
            success: () => new CheckpointSaved(sequenceNumber, shardEnd, saved),
            failure: ex => new CheckpointFailed(ex));
        return true;
    }

    /// <summary>
    /// An idle reader writes nothing, so it would never learn that an operator reset the shard or another
    /// node took it: every <see cref="IngressOptions.LeaseCheckEvery"/> it checks its lease (a fenced no-op write).
    /// </summary>
    private void ConfirmLease(Action whileWriting)
    {
        if (DateTime.UtcNow - _leaseConfirmedAt < _options.LeaseCheckEvery)
            return;
        _checkpoints.SaveAsync(_lease, null, false, CancellationToken.None).PipeTo(Self,
            success: () => LeaseConfirmed.Instance,
            failure: ex => new CheckpointFailed(ex));
        Become(whileWriting);
    }

    /// <summary>Releasing, no write in flight: save what is still unsaved (its answer calls this again), else release.</summary>
    private void FinishDrain(IActorRef requester)
    {
        if (_watermark.HasUnsavedProgress)
            Save(() => Releasing(requester, writing: true));
        else
            ReleaseAndStop(requester);
    }

    private void ReleaseAndStop(IActorRef requester)
    {
        _log.Info("Shard {0}: drained; released at checkpoint {1} ({2} records not durable)", _shardId, _watermark.Watermark ?? "(none)", _watermark.InFlightCount);
        _checkpoints.ReleaseAsync(_lease, CancellationToken.None)
            .ContinueWith(_ => new Drained(_shardId), TaskContinuationOptions.ExecuteSynchronously)
            .PipeTo(requester ?? ActorRefs.Nobody);
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
