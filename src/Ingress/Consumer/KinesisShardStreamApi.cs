// IShardStreamApi over the project's KinesisClient.
using Basketball.Kinesis;

namespace Basketball.Ingress.Consumer;

public sealed class KinesisShardStreamApi(KinesisClient client, string streamName) : IShardStreamApi
{
    public string StreamName { get; } = streamName;

    public async Task<IReadOnlyList<KinesisShard>> ListShardsAsync(CancellationToken cancellationToken)
    {
        var shards = await client.ListShardsAsync(StreamName, cancellationToken);
        return shards.Select(s => new KinesisShard(s.ShardId, s.ParentShardId, s.AdjacentParentShardId, s.IsOpen)).ToArray();
    }

    public Task<string> GetIteratorAsync(string shardId, ShardPosition position, CancellationToken cancellationToken) => position.Kind switch
    {
        ShardPositionKind.TrimHorizon => client.GetShardIteratorAsync(StreamName, shardId, ShardIteratorType.TrimHorizon, cancellationToken: cancellationToken),
        ShardPositionKind.Latest => client.GetShardIteratorAsync(StreamName, shardId, ShardIteratorType.Latest, cancellationToken: cancellationToken),
        ShardPositionKind.AtTimestamp => client.GetShardIteratorAsync(StreamName, shardId, ShardIteratorType.AtTimestamp,
            timestamp: position.Timestamp, cancellationToken: cancellationToken),
        _ => client.GetShardIteratorAsync(StreamName, shardId, ShardIteratorType.AfterSequenceNumber,
            sequenceNumber: position.SequenceNumber, cancellationToken: cancellationToken),
    };

    public async Task<ShardRecordBatch> GetRecordsAsync(string iterator, int limit, CancellationToken cancellationToken)
    {
        GetRecordsResponse response;
        try
        {
            response = await client.GetRecordsAsync(iterator, limit, cancellationToken);
        }
        catch (KinesisException ex) when (ex.Kind == KinesisErrorKind.ExpiredIterator)
        {
            throw new ExpiredIteratorException(ex.Message, ex);
        }

        var records = new ShardRecord[response.Records.Count];
        for (var i = 0; i < records.Length; i++)
        {
            var r = response.Records[i];
            records[i] = new ShardRecord(r.SequenceNumber, r.PartitionKey, r.Data, r.ApproximateArrivalTimestamp);
        }
        return new ShardRecordBatch(records, response.NextShardIterator, response.MillisBehindLatest);
    }
}
