// The checkpoint rule for one Kinesis shard (SPEC §4.3): the checkpoint may move to S only when every record
// handed out with a sequence number ≤ S is durable (persisted by its entity, or stored as a dead letter).
// Pure bookkeeping, no I/O, not thread-safe: one shard reader owns one instance.
namespace Basketball.Ingress.Checkpoints;

public sealed class CheckpointWatermark
{
    // Records in read order, from the oldest not yet retired. The head is always a record that is not yet
    // durable (or the queue is empty): durable records at the head are retired at once, moving the watermark.
    // So memory is bounded by the records in flight plus the durable ones stuck behind an older one.
    private readonly Queue<Entry> _queue = new();
    private readonly Dictionary<string, Entry> _bySequence = new(StringComparer.Ordinal);
    private string? _lastRegistered;
    private int _notDurable;
    private string? _savedWatermark;
    private bool _savedShardEnd;

    /// <param name="resumedFrom">The checkpoint the reader resumed after, or null when it starts without one.</param>
    public CheckpointWatermark(string? resumedFrom = null)
    {
        if (resumedFrom is not null)
            KinesisSequence.Validate(resumedFrom, nameof(resumedFrom));
        Watermark = resumedFrom;
        _lastRegistered = resumedFrom;
        _savedWatermark = resumedFrom;
    }

    /// <summary>The highest sequence number S such that every registered record ≤ S is durable; never moves backwards.</summary>
    public string? Watermark { get; private set; }

    /// <summary>Records handed out and not yet durable.</summary>
    public int InFlightCount => _notDurable;

    /// <summary>Records still held: in flight, or durable but waiting for an older one (the memory bound).</summary>
    /// <remarks>Counted in the index, which holds the same records as the queue: a record retired from the queue but
    /// left in the index would be memory that nothing else shows.</remarks>
    public int TrackedCount => _bySequence.Count;

    /// <summary>The shard was read to its end: no record will be registered any more.</summary>
    public bool IsShardEndReached { get; private set; }

    /// <summary>The shard was read to its end and every record of it is durable: time for the SHARD_END checkpoint.</summary>
    public bool IsCompleteAtShardEnd => IsShardEndReached && _queue.Count == 0;

    /// <summary>The watermark or the shard-end state moved since the last <see cref="MarkSaved"/>.</summary>
    public bool HasUnsavedProgress =>
        !string.Equals(Watermark, _savedWatermark, StringComparison.Ordinal) || (IsCompleteAtShardEnd && !_savedShardEnd);

    /// <summary>Records a record as handed out. Records must be registered in read (ascending) order.</summary>
    /// <exception cref="InvalidOperationException">Out of order, registered twice, or after the shard end.</exception>
    public void Register(string sequenceNumber)
    {
        KinesisSequence.Validate(sequenceNumber, nameof(sequenceNumber));
        if (IsShardEndReached)
            throw new InvalidOperationException($"Record {sequenceNumber} registered after the shard end.");
        if (_lastRegistered is not null && KinesisSequence.Compare(sequenceNumber, _lastRegistered) <= 0)
            throw new InvalidOperationException(
                $"Record {sequenceNumber} registered out of read order: {_lastRegistered} was registered (or resumed from) before it.");

        var entry = new Entry(sequenceNumber);
        _queue.Enqueue(entry);
        _bySequence.Add(sequenceNumber, entry);
        _lastRegistered = sequenceNumber;
        _notDurable++;
    }

    /// <summary>Records a registered record as durable, in any order. Repeats are harmless.</summary>
    /// <returns>True when the record became durable now; false when it already was.</returns>
    /// <exception cref="InvalidOperationException">The record was never registered.</exception>
    public bool MarkDurable(string sequenceNumber)
    {
        ArgumentNullException.ThrowIfNull(sequenceNumber);
        if (!_bySequence.TryGetValue(sequenceNumber, out var entry))
        {
            if (Watermark is not null && KinesisSequence.IsValid(sequenceNumber) && KinesisSequence.Compare(sequenceNumber, Watermark) <= 0)
                return false; // durable long ago and already retired behind the watermark
            throw new InvalidOperationException($"Record {sequenceNumber} was never registered with this shard's watermark.");
        }

        if (entry.Durable)
            return false;

        entry.Durable = true;
        _notDurable--;
        RetireDurableHead();
        return true;
    }

    /// <summary>The reader reached the end of a closed shard (no next iterator).</summary>
    public void MarkShardEnd() => IsShardEndReached = true;

    /// <summary>Remembers what the checkpoint store now holds, so <see cref="HasUnsavedProgress"/> can tell news.</summary>
    public void MarkSaved(string? sequenceNumber, bool shardEnd)
    {
        if (sequenceNumber is not null
            && (_savedWatermark is null || KinesisSequence.Compare(sequenceNumber, _savedWatermark) > 0))
            _savedWatermark = sequenceNumber;
        _savedShardEnd |= shardEnd;
    }

    // Amortized O(1): each record is enqueued once and dequeued once.
    private void RetireDurableHead()
    {
        while (_queue.TryPeek(out var head) && head.Durable)
        {
            _queue.Dequeue();
            _bySequence.Remove(head.SequenceNumber);
            Watermark = head.SequenceNumber;
        }
    }

    private sealed class Entry(string sequenceNumber)
    {
        public string SequenceNumber { get; } = sequenceNumber;
        public bool Durable { get; set; }
    }
}
