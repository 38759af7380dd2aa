// Test helpers that read a shard or a whole stream back, with deadlines instead of sleeps.
using Basketball.Kinesis;

namespace Basketball.Ingress.Tests.Kinesis;

internal static class StreamReading
{
    /// <summary>
    /// Reads one shard from TRIM_HORIZON. An open shard is read until a batch comes back empty (the test wrote
    /// everything first, so empty means caught up); a closed one (<paramref name="closed"/>) until shard end (no next
    /// iterator) — kinesalite can answer an empty batch WITH a next iterator before the end of a closed shard.
    /// </summary>
    public static async Task<(List<KinesisRecord> Records, bool ReachedShardEnd)> ReadShardAsync(
        KinesisClient client, string stream, string shardId, bool closed = false, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        var records = new List<KinesisRecord>();
        var iterator = await client.GetShardIteratorAsync(stream, shardId, ShardIteratorType.TrimHorizon);
        while (DateTime.UtcNow < deadline)
        {
            var batch = await client.GetRecordsAsync(iterator);
            records.AddRange(batch.Records);
            if (batch.NextShardIterator is null) return (records, true);
            if (batch.Records.Count == 0 && !closed) return (records, false);
            iterator = batch.NextShardIterator;
        }
        throw new TimeoutException($"Reading {shardId} of {stream} did not finish in time.");
    }

    /// <summary>Every record of every shard (open and closed), grouped by shard.</summary>
    public static async Task<Dictionary<string, List<KinesisRecord>>> ReadStreamAsync(KinesisClient client, string stream)
    {
        var result = new Dictionary<string, List<KinesisRecord>>();
        foreach (var shard in await client.ListShardsAsync(stream))
            result[shard.ShardId] = (await ReadShardAsync(client, stream, shard.ShardId, closed: !shard.IsOpen)).Records;
        return result;
    }
}
