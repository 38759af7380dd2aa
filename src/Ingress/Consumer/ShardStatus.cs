// Live facts about one shard reader, read by `ingress status`, /metrics and the simulator's progress line.
namespace Basketball.Ingress.Consumer;

public sealed class ShardStatus(string shardId)
{
    private long _recordsRead;
    private long _millisBehindLatest;
    private long _checkpointLag;
    private string? _lastRead;
    private string? _checkpoint;
    private bool _reading;

    public string ShardId { get; } = shardId;

    public long RecordsRead => Interlocked.Read(ref _recordsRead);

    public long MillisBehindLatest => Interlocked.Read(ref _millisBehindLatest);

    /// <summary>Records read but not yet covered by the stored checkpoint.</summary>
    public long CheckpointLagRecords => Interlocked.Read(ref _checkpointLag);

    public string? LastReadSequenceNumber => Volatile.Read(ref _lastRead);

    public string? CheckpointSequenceNumber => Volatile.Read(ref _checkpoint);

    public bool ShardEnded { get; private set; }

    /// <summary>A reader of this node is reading the shard right now.</summary>
    public bool Reading { get => Volatile.Read(ref _reading); internal set => Volatile.Write(ref _reading, value); }

    internal void ReportRead(ShardRecordBatch batch)
    {
        Interlocked.Add(ref _recordsRead, batch.Records.Count);
        Interlocked.Exchange(ref _millisBehindLatest, batch.MillisBehindLatest ?? 0);
        if (batch.Records.Count > 0)
            Volatile.Write(ref _lastRead, batch.Records[^1].SequenceNumber);
    }

    internal void ReportCheckpointLag(long records) => Interlocked.Exchange(ref _checkpointLag, records);

    internal void ReportCheckpoint(string? sequenceNumber, bool shardEnd)
    {
        Volatile.Write(ref _checkpoint, sequenceNumber);
        ShardEnded = shardEnd;
    }
}
