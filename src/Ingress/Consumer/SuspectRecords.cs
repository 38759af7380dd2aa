// A shard's records that failed its reader more than once. A failed batch is read again by the next reader;
// records that fail it every time would hold the shard for ever, so after IngressOptions.MaxBatchFailures
// failures over the same records the next reader isolates them (RecordBatchProcessor), and the stream goes on.
using Basketball.Kinesis;

namespace Basketball.Ingress.Consumer;

/// <summary>The sequence numbers from <paramref name="First"/> to <paramref name="Last"/>, both included.</summary>
public sealed record SequenceRange(string First, string Last)
{
    public static SequenceRange Of(ShardRecordBatch batch) => new(batch.Records[0].SequenceNumber, batch.Records[^1].SequenceNumber);

    public bool Contains(string sequenceNumber) =>
        new SequenceNumber(First).CompareTo(new SequenceNumber(sequenceNumber)) <= 0
        && new SequenceNumber(sequenceNumber).CompareTo(new SequenceNumber(Last)) <= 0;

    public bool Overlaps(SequenceRange other) => Contains(other.First) || Contains(other.Last) || other.Contains(First);

    /// <summary>The records both ranges hold (only meaningful when they overlap): the ones failing every time.</summary>
    public SequenceRange Intersect(SequenceRange other) => new(
        new SequenceNumber(First).CompareTo(new SequenceNumber(other.First)) >= 0 ? First : other.First,
        new SequenceNumber(Last).CompareTo(new SequenceNumber(other.Last)) <= 0 ? Last : other.Last);

    public override string ToString() => First == Last ? First : $"{First}..{Last}";
}

/// <summary>A batch's processing threw: the reader's stream fails with this, naming the batch's records.</summary>
public sealed class BatchFailedException(SequenceRange records, Exception inner)
    : Exception($"processing the records {records} failed: {inner.Message}", inner)
{
    public SequenceRange Records { get; } = records;
}

/// <summary>Reader → coordinator, before the reader stops: a batch failed it.</summary>
public sealed record ShardBatchFailed(string ShardId, SequenceRange Records);

/// <summary>The coordinator's count of one shard's failures over the same records.</summary>
public sealed class SuspectRecords
{
    private SequenceRange? _range;

    public int Failures { get; private set; }

    /// <summary>The records to isolate, once they failed <paramref name="maxFailures"/> times; null before.</summary>
    public SequenceRange? IsolateAfter(int maxFailures) => Failures >= maxFailures ? _range : null;

    /// <summary>Counts a failure: over records that failed before it is one more, elsewhere it starts a new count.</summary>
    public void Failed(SequenceRange records)
    {
        if (_range is not null && _range.Overlaps(records))
        {
            _range = _range.Intersect(records);
            Failures++;
        }
        else
        {
            _range = records;
            Failures = 1;
        }
    }
}
