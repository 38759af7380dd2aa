// In-memory doubles of what a shard reader and its coordinator talk to: a scripted Kinesis (IShardStreamApi), a
// fenced checkpoint store, the entity regions and the dead-letter store. Every call they see goes to one Timeline,
// so that a spec can ask which happened first (a child shard's first read, its parent's SHARD_END checkpoint).
using System.Collections.Concurrent;
using Akka.Actor;
using Basketball.Domain;
using Basketball.Domain.Events;
using Basketball.Ingress.Checkpoints;
using Basketball.Ingress.Consumer;
using Basketball.Ingress.DeadLetters;
using Basketball.Kinesis;
using Basketball.Shards.Entities;

namespace Basketball.Ingress.Tests.Consumer;

/// <param name="What">ListShards, GetIterator, GetRecords, GetRecordsFailed, Acquire, Saved, LeaseChecked, Fenced, SaveFailed, Release.</param>
public sealed record Step(string What, string? ShardId = null, string? SequenceNumber = null, bool ShardEnd = false, long Epoch = 0);

public sealed class Timeline
{
    private readonly List<Step> _steps = [];

    public void Add(Step step)
    {
        lock (_steps)
            _steps.Add(step);
    }

    public IReadOnlyList<Step> Steps
    {
        get
        {
            lock (_steps)
                return _steps.ToArray();
        }
    }

    public int Count(Func<Step, bool> match) => Steps.Count(match);

    /// <summary>The position of the first step that matches, or -1.</summary>
    public int First(Func<Step, bool> match) => Steps.ToList().FindIndex(s => match(s));

    /// <summary>The position of the last step that matches, or -1.</summary>
    public int Last(Func<Step, bool> match) => Steps.ToList().FindLastIndex(s => match(s));

    public static bool IsRead(Step step) => step.What is "GetIterator" or "GetRecords" or "GetRecordsFailed";
}

/// <summary>A scripted stream: shards with records, closed or open, split or merged, failing on demand.</summary>
public sealed class FakeShardStreamApi(Timeline timeline, string streamName = FakeShardStreamApi.Stream) : IShardStreamApi
{
    public const string Stream = "test-stream";

    private readonly object _lock = new();
    private readonly List<Shard> _shards = [];

    public string StreamName { get; } = streamName;

    /// <param name="open">An open shard answers empty batches once read to its end; a closed one the SHARD_END marker.</param>
    public void AddShard(string shardId, IEnumerable<ShardRecord> records, bool open = true, string? parent = null, string? adjacentParent = null)
    {
        lock (_lock)
            _shards.Add(new Shard(shardId, parent, adjacentParent, open, records.ToList()));
    }

    /// <summary>The next <paramref name="times"/> GetRecords calls on the shard throw.</summary>
    public void FailGetRecords(string shardId, int times = 1)
    {
        lock (_lock)
            Find(shardId).FailuresLeft += times;
    }

    /// <summary>Where each reader of the shard asked to start, in order.</summary>
    public IReadOnlyList<ShardPosition> Positions(string shardId)
    {
        lock (_lock)
            return Find(shardId).Positions.ToArray();
    }

    public Task<IReadOnlyList<KinesisShard>> ListShardsAsync(CancellationToken cancellationToken)
    {
        timeline.Add(new Step("ListShards"));
        lock (_lock)
            return Task.FromResult<IReadOnlyList<KinesisShard>>(
                _shards.Select(s => new KinesisShard(s.Id, s.Parent, s.AdjacentParent, s.Open)).ToArray());
    }

    public async Task<string> GetIteratorAsync(string shardId, ShardPosition position, CancellationToken cancellationToken)
    {
        await Task.Yield();
        timeline.Add(new Step("GetIterator", shardId, position.SequenceNumber));
        lock (_lock)
        {
            var shard = Find(shardId);
            shard.Positions.Add(position);
            var index = position.Kind switch
            {
                ShardPositionKind.AfterSequenceNumber => shard.Records.FindIndex(r =>
                    new SequenceNumber(r.SequenceNumber).CompareTo(new SequenceNumber(position.SequenceNumber!)) > 0) is var i and >= 0
                    ? i
                    : shard.Records.Count,
                ShardPositionKind.Latest => shard.Records.Count,
                _ => 0,
            };
            return $"{shardId}#{index}";
        }
    }

    private (string ShardId, int Index, TaskCompletionSource Gate)? _held;

    /// <summary>
    /// The GetRecords call that starts at record <paramref name="index"/> of the shard waits (timeline: GetRecordsHeld)
    /// until the returned gate is opened, then answers as usual.
    /// </summary>
    public TaskCompletionSource HoldGetRecords(string shardId, int index)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _held = (shardId, index, gate);
        return gate;
    }

    public async Task<ShardRecordBatch> GetRecordsAsync(string iterator, int limit, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var hash = iterator.LastIndexOf('#');
        var shardId = iterator[..hash];
        var index = int.Parse(iterator[(hash + 1)..]);
        if (_held is { } held && held.ShardId == shardId && held.Index == index)
        {
            timeline.Add(new Step("GetRecordsHeld", shardId));
            await held.Gate.Task.WaitAsync(cancellationToken);
        }
        lock (_lock)
        {
            var shard = Find(shardId);
            if (shard.FailuresLeft > 0)
            {
                shard.FailuresLeft--;
                timeline.Add(new Step("GetRecordsFailed", shardId));
                throw new IOException($"GetRecords of {shardId} failed (scripted)");
            }
            timeline.Add(new Step("GetRecords", shardId));
            var records = shard.Records.Skip(index).Take(limit).ToArray();
            if (records.Length == 0)
                return new ShardRecordBatch([], shard.Open ? iterator : null, 0);
            return new ShardRecordBatch(records, $"{shardId}#{index + records.Length}", 0);
        }
    }

    private Shard Find(string shardId) => _shards.Single(s => s.Id == shardId);

    private sealed class Shard(string id, string? parent, string? adjacentParent, bool open, List<ShardRecord> records)
    {
        public string Id { get; } = id;
        public string? Parent { get; } = parent;
        public string? AdjacentParent { get; } = adjacentParent;
        public bool Open { get; } = open;
        public List<ShardRecord> Records { get; } = records;
        public List<ShardPosition> Positions { get; } = [];
        public int FailuresLeft { get; set; }
    }
}

/// <summary>One attempt to write a shard's checkpoint: a save, or a lease check (no sequence number, no shard end).</summary>
/// <param name="Outcome">Saved, LeaseChecked, Fenced or SaveFailed.</param>
public sealed record WriteAttempt(string ShardId, long Epoch, string? SequenceNumber, bool ShardEnd, string Outcome)
{
    public bool IsLeaseCheck => SequenceNumber is null && !ShardEnd;
}

/// <summary>Checkpoints in memory with the store's rules: epochs fence stale leases, checkpoints never move back.</summary>
public sealed class FakeCheckpointStore(Timeline timeline) : ICheckpointStore
{
    private readonly object _lock = new();
    private readonly Dictionary<(string Stream, string Shard), StoredRow> _rows = [];
    private readonly List<WriteAttempt> _writes = [];
    private readonly Dictionary<string, int> _failuresLeft = [];
    private int _writesInFlight;
    private int _maxWritesInFlight;

    /// <summary>While set and not completed, every save and lease check waits for it.</summary>
    public TaskCompletionSource? WriteGate { get; set; }

    /// <summary>While set and not completed, every release waits for it.</summary>
    public TaskCompletionSource? ReleaseGate { get; set; }

    public int MaxWritesInFlight
    {
        get
        {
            lock (_lock)
                return _maxWritesInFlight;
        }
    }

    public IReadOnlyList<WriteAttempt> Writes(string shardId)
    {
        lock (_lock)
            return _writes.Where(w => w.ShardId == shardId).ToArray();
    }

    public IReadOnlyList<WriteAttempt> Saves(string shardId) => Writes(shardId).Where(w => w.Outcome == "Saved").ToArray();

    public int Acquires(string shardId) => timeline.Count(s => s.What == "Acquire" && s.ShardId == shardId);

    public int Releases(string shardId) => timeline.Count(s => s.What == "Release" && s.ShardId == shardId);

    /// <summary>The stored row: checkpoint, shard end, owner (null when released) and epoch; null if never written.</summary>
    public (string? SequenceNumber, bool ShardEnd, string? Owner, long Epoch)? Row(string shardId, string stream = FakeShardStreamApi.Stream)
    {
        lock (_lock)
            return _rows.TryGetValue((stream, shardId), out var row) ? (row.SequenceNumber, row.ShardEnd, row.Owner, row.Epoch) : null;
    }

    /// <summary>The stored checkpoint of the shard, null when there is none (yet).</summary>
    public string? Checkpoint(string shardId) => Row(shardId)?.SequenceNumber;

    /// <summary>The shard has its SHARD_END checkpoint.</summary>
    public bool HasEnded(string shardId) => Row(shardId)?.ShardEnd ?? false;

    public void Preset(string shardId, string? sequenceNumber, bool shardEnd = false, string stream = FakeShardStreamApi.Stream)
    {
        lock (_lock)
        {
            var row = RowOf(stream, shardId);
            row.SequenceNumber = sequenceNumber;
            row.ShardEnd = shardEnd;
        }
    }

    /// <summary>What another node's acquire (or an operator's reset) does to the current owner: a newer epoch.</summary>
    public void Fence(string shardId, string stream = FakeShardStreamApi.Stream)
    {
        lock (_lock)
        {
            var row = RowOf(stream, shardId);
            row.Epoch++;
            row.Owner = "someone-else";
        }
    }

    /// <summary>The next <paramref name="times"/> saves or lease checks of the shard fail (not fenced: the database is away).</summary>
    public void FailWrites(string shardId, int times = 1)
    {
        lock (_lock)
            _failuresLeft[shardId] = _failuresLeft.GetValueOrDefault(shardId) + times;
    }

    public async Task<ShardLease> AcquireAsync(string stream, string shardId, string owner, long? expectedEpoch = null,
        CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        lock (_lock)
        {
            var row = RowOf(stream, shardId);
            if (expectedEpoch is not null && row.Epoch != expectedEpoch)
                throw new ShardLeaseHeldException(stream, shardId, $"another reader took it after epoch {expectedEpoch}");
            row.Epoch++;
            row.Owner = owner;
            timeline.Add(new Step("Acquire", shardId, row.SequenceNumber, row.ShardEnd, row.Epoch));
            return new ShardLease(stream, shardId, owner, row.Epoch, row.SequenceNumber, row.ShardEnd, row.StartPosition);
        }
    }

    public async Task SaveAsync(ShardLease lease, string? sequenceNumber, bool shardEnd, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _writesInFlight++;
            _maxWritesInFlight = Math.Max(_maxWritesInFlight, _writesInFlight);
        }
        try
        {
            await Task.Yield();
            if (WriteGate is { } gate)
                await gate.Task;
            lock (_lock)
            {
                var row = RowOf(lease.Stream, lease.ShardId);
                string outcome;
                if (_failuresLeft.GetValueOrDefault(lease.ShardId) > 0)
                {
                    _failuresLeft[lease.ShardId]--;
                    outcome = "SaveFailed";
                }
                else if (row.Epoch != lease.Epoch || row.Owner != lease.Owner)
                {
                    outcome = "Fenced";
                }
                else
                {
                    if (sequenceNumber is not null
                        && (row.SequenceNumber is null || new SequenceNumber(sequenceNumber).CompareTo(new SequenceNumber(row.SequenceNumber)) > 0))
                        row.SequenceNumber = sequenceNumber;
                    row.ShardEnd |= shardEnd;
                    outcome = sequenceNumber is null && !shardEnd ? "LeaseChecked" : "Saved";
                }
                _writes.Add(new WriteAttempt(lease.ShardId, lease.Epoch, sequenceNumber, shardEnd, outcome));
                timeline.Add(new Step(outcome, lease.ShardId, sequenceNumber, shardEnd, lease.Epoch));
                if (outcome == "SaveFailed")
                    throw new IOException($"checkpoint of {lease.ShardId} failed (scripted)");
                if (outcome == "Fenced")
                    throw new CheckpointFencedException(lease);
            }
        }
        finally
        {
            lock (_lock)
                _writesInFlight--;
        }
    }

    public async Task<IReadOnlyList<ShardLease>> SaveManyAsync(IReadOnlyList<CheckpointWrite> writes, CancellationToken cancellationToken = default)
    {
        var fenced = new List<ShardLease>();
        foreach (var write in writes)
        {
            try
            {
                await SaveAsync(write.Lease, write.SequenceNumber, write.ShardEnd, cancellationToken);
            }
            catch (CheckpointFencedException)
            {
                fenced.Add(write.Lease);
            }
        }
        return fenced;
    }

    public Task<ShardCheckpoint?> GetAsync(string stream, string shardId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
            return Task.FromResult(_rows.TryGetValue((stream, shardId), out var row) ? CheckpointOf(stream, shardId, row) : null);
    }

    public Task<IReadOnlyList<ShardCheckpoint>> ListAsync(string stream, CancellationToken cancellationToken = default)
    {
        lock (_lock)
            return Task.FromResult<IReadOnlyList<ShardCheckpoint>>(
                _rows.Where(r => r.Key.Stream == stream).Select(r => CheckpointOf(stream, r.Key.Shard, r.Value)!).ToArray());
    }

    public Task ResetAsync(string stream, string shardId, ShardStartPosition position, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var row = RowOf(stream, shardId);
            row.SequenceNumber = null;
            row.ShardEnd = false;
            row.StartPosition = position;
            row.Owner = null;
            row.Epoch++;
        }
        return Task.CompletedTask;
    }

    public async Task ReleaseAsync(ShardLease lease, CancellationToken cancellationToken = default)
    {
        timeline.Add(new Step("Release", lease.ShardId, Epoch: lease.Epoch));
        if (ReleaseGate is { } gate)
            await gate.Task;
        lock (_lock)
        {
            var row = RowOf(lease.Stream, lease.ShardId);
            if (row.Epoch == lease.Epoch && row.Owner == lease.Owner)
                row.Owner = null;
        }
    }

    private StoredRow RowOf(string stream, string shardId)
    {
        if (!_rows.TryGetValue((stream, shardId), out var row))
            _rows[(stream, shardId)] = row = new StoredRow();
        return row;
    }

    private static ShardCheckpoint CheckpointOf(string stream, string shardId, StoredRow row) =>
        new(stream, shardId, row.SequenceNumber, row.ShardEnd, row.StartPosition, row.Owner, row.Epoch, DateTimeOffset.UtcNow);

    private sealed class StoredRow
    {
        public string? SequenceNumber { get; set; }
        public bool ShardEnd { get; set; }
        public ShardStartPosition? StartPosition { get; set; }
        public string? Owner { get; set; }
        public long Epoch { get; set; }
    }
}

/// <summary>What the fake entities answered, and what they hold back.</summary>
public sealed class EntityLog
{
    private readonly ConcurrentQueue<EventEnvelope> _applied = new();
    private readonly ConcurrentQueue<EventEnvelope> _heldBack = new();

    /// <summary>Events answered Applied, in answer order.</summary>
    public IReadOnlyList<EventEnvelope> Applied => _applied.ToArray();

    /// <summary>Events that arrived for a held aggregate and wait for its release.</summary>
    public IReadOnlyList<EventEnvelope> HeldBack => _heldBack.ToArray();

    internal void Answered(IEnumerable<EventEnvelope> events)
    {
        foreach (var e in events)
            _applied.Enqueue(e);
    }

    internal void Held(IEnumerable<EventEnvelope> events)
    {
        foreach (var e in events)
            _heldBack.Enqueue(e);
    }
}

/// <summary>
/// Both entity regions at once: answers every <see cref="ProcessEvents"/> with every event Applied, except for the
/// aggregates it holds back, which are answered (in arrival order) only when released.
/// </summary>
public sealed class FakeEntities : ReceiveActor
{
    private readonly HashSet<string> _held = [];
    private readonly List<(IActorRef Sender, ProcessEvents Command)> _pending = [];

    public FakeEntities(EntityLog log)
    {
        Receive<ProcessEvents>(command =>
        {
            if (_held.Contains(command.AggregateId))
            {
                _pending.Add((Sender, command));
                log.Held(command.Events);
                return;
            }
            Answer(log, Sender, command);
        });
        Receive<Hold>(hold => _held.Add(hold.AggregateId));
        Receive<Release>(release =>
        {
            _held.Remove(release.AggregateId);
            foreach (var (sender, command) in _pending.Where(p => p.Command.AggregateId == release.AggregateId).ToArray())
            {
                _pending.Remove((sender, command));
                Answer(log, sender, command);
            }
        });
    }

    public static Props PropsFor(EntityLog log) => Props.Create(() => new FakeEntities(log));

    private static void Answer(EntityLog log, IActorRef sender, ProcessEvents command)
    {
        log.Answered(command.Events);
        sender.Tell(new EventsProcessed(command.AggregateId, command.Events.Select(e => EventOutcome.Applied(e.EventId)).ToArray()));
    }

    /// <summary>From now on, keep the aggregate's events waiting.</summary>
    public sealed record Hold(string AggregateId);

    /// <summary>Answer the aggregate's waiting events, and from now on answer it at once.</summary>
    public sealed record Release(string AggregateId);
}

/// <summary>Dead letters in memory, keyed like the real store (shard, sequence number); refuses some on demand.</summary>
public sealed class InMemoryDeadLetters : IDeadLetterSink
{
    private readonly ConcurrentDictionary<(string?, string?), DeadLetter> _letters = new();
    private int _refusals;

    /// <summary>A write holding a letter this matches fails, as a database refusing its text would.</summary>
    public Func<DeadLetter, bool> Refuse { get; set; } = _ => false;

    public int Refusals => Volatile.Read(ref _refusals);

    public IReadOnlyList<DeadLetter> Letters => _letters.Values.OrderBy(l => new SequenceNumber(l.SequenceNumber!)).ToArray();

    public async Task<int> StoreManyAsync(IReadOnlyList<DeadLetter> letters, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        if (letters.Any(Refuse))
        {
            Interlocked.Increment(ref _refusals);
            throw new IOException("the dead letter store refused a letter (scripted)");
        }
        return letters.Count(letter => _letters.TryAdd((letter.ShardId, letter.SequenceNumber), letter));
    }
}

/// <summary>Shard records for the specs: events of named games, or bytes that are no event at all.</summary>
public static class Records
{
    /// <summary>One scoring event of <paramref name="gameId"/> per sequence number.</summary>
    public static IEnumerable<ShardRecord> Of(string gameId, params long[] sequenceNumbers) =>
        sequenceNumbers.Select(n => Event(n, TestEvents.Score(gameId, "t-1", "p-1", 2)));

    public static ShardRecord Event(long sequenceNumber, EventEnvelope envelope) =>
        new(sequenceNumber.ToString(), envelope.AggregateId, EventJson.Serialize(envelope), null);

    /// <summary>A record the parser turns into a malformed_json dead letter.</summary>
    public static ShardRecord Junk(long sequenceNumber) =>
        new(sequenceNumber.ToString(), "junk", "not an event"u8.ToArray(), null);
}
