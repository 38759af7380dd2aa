// The slice of Kinesis a shard reader needs. KinesisShardStreamApi implements it over KinesisClient;
// tests may wrap it to inject faults that kinesalite cannot produce.
namespace Basketball.Ingress.Consumer;

public sealed record KinesisShard(string ShardId, string? ParentShardId, string? AdjacentParentShardId, bool IsOpen)
{
    public IEnumerable<string> Parents()
    {
        if (ParentShardId is not null)
            yield return ParentShardId;
        if (AdjacentParentShardId is not null)
            yield return AdjacentParentShardId;
    }
}

public sealed record ShardRecord(string SequenceNumber, string PartitionKey, byte[] Data, DateTimeOffset? ArrivedAt);

/// <param name="NextIterator">null once a closed shard has been read to its end.</param>
public sealed record ShardRecordBatch(IReadOnlyList<ShardRecord> Records, string? NextIterator, long? MillisBehindLatest);

public interface IShardStreamApi
{
    string StreamName { get; }

    Task<IReadOnlyList<KinesisShard>> ListShardsAsync(CancellationToken cancellationToken);

    Task<string> GetIteratorAsync(string shardId, ShardPosition position, CancellationToken cancellationToken);

    /// <summary>Throws <see cref="ExpiredIteratorException"/> for an expired iterator; retries throttling itself.</summary>
    Task<ShardRecordBatch> GetRecordsAsync(string iterator, int limit, CancellationToken cancellationToken);
}

public sealed class ExpiredIteratorException(string message, Exception? inner = null) : Exception(message, inner);
