// Reading a whole Kinesis stream back, for tests that check what reached it (the milestones output, what a producer put).
using Basketball.Kinesis;

namespace Basketball.TestSupport;

public static class KinesisStreams
{
    /// <summary>Every record of every shard, from TRIM_HORIZON until a shard answers an empty batch.</summary>
    public static async Task<List<KinesisRecord>> ReadAllAsync(KinesisClient client, string stream)
    {
        var records = new List<KinesisRecord>();
        foreach (var shard in await client.ListShardsAsync(stream))
        {
            var iterator = await client.GetShardIteratorAsync(stream, shard.ShardId, ShardIteratorType.TrimHorizon);
            while (iterator is not null)
            {
                var batch = await client.GetRecordsAsync(iterator, 10_000);
                records.AddRange(batch.Records);
                if (batch.Records.Count == 0)
                    break;
                iterator = batch.NextShardIterator;
            }
        }
        return records;
    }
}
