using System.Numerics;
using System.Text;
using Basketball.Ingress.Tests.Fixtures;
using Basketball.Kinesis;

namespace Basketball.Ingress.Tests.Kinesis;

[Collection(KinesaliteCollection.Name)]
public sealed class KinesisReshardingTests(KinesaliteFixture kinesalite)
{
    private static async Task PutAllAsync(KinesisProducer producer, IEnumerable<string> payloads)
    {
        var records = payloads.Select(p => (p[..p.IndexOf(':')], (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(p))).ToList();
        (await producer.PutAsync(records, CancellationToken.None)).AllSucceeded.Should().BeTrue();
    }

    [Fact]
    public async Task After_a_split_the_parent_reads_to_its_end_and_the_children_carry_the_later_records()
    {
        var stream = await kinesalite.CreateStreamAsync(KinesaliteFixture.UniqueStreamName("split"), 1);
        using var client = kinesalite.CreateClient();
        await using var producer = new KinesisProducer(client, new KinesisProducerOptions(stream));
        var keys = Enumerable.Range(0, 10).Select(k => $"player-{k}").ToList();
        await PutAllAsync(producer, Enumerable.Range(0, 5).SelectMany(n => keys.Select(k => $"{k}:{n}")));

        var parent = (await client.ListShardsAsync(stream)).Single();
        var middle = (BigInteger.Parse(parent.HashKeyRange.StartingHashKey) + BigInteger.Parse(parent.HashKeyRange.EndingHashKey) + 1) / 2;
        await client.SplitShardAsync(stream, parent.ShardId, middle.ToString());
        await client.WaitForStreamActiveAsync(stream, TimeSpan.FromSeconds(10));
        await PutAllAsync(producer, Enumerable.Range(5, 5).SelectMany(n => keys.Select(k => $"{k}:{n}")));

        var shards = await client.ListShardsAsync(stream);
        shards.Should().HaveCount(3);
        var closedParent = shards.Single(s => s.ShardId == parent.ShardId);
        closedParent.IsOpen.Should().BeFalse();
        var children = shards.Where(s => s.ParentShardId == parent.ShardId).ToList();
        children.Should().HaveCount(2).And.OnlyContain(s => s.IsOpen);

        // The parent: its 50 records, then an empty batch with no next iterator (shard end).
        var iterator = await client.GetShardIteratorAsync(stream, parent.ShardId, ShardIteratorType.TrimHorizon);
        var parentRecords = new List<KinesisRecord>();
        GetRecordsResponse batch;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            DateTime.UtcNow.Should().BeBefore(deadline);
            batch = await client.GetRecordsAsync(iterator);
            parentRecords.AddRange(batch.Records);
            iterator = batch.NextShardIterator!;
        } while (!batch.IsShardEnd);
        batch.Records.Should().BeEmpty("kinesalite ends a closed shard with an empty batch");
        batch.ChildShards.Should().BeNull("kinesalite never sends ChildShards; parents come from ListShards");
        parentRecords.Should().HaveCount(50);

        var childRecords = new List<KinesisRecord>();
        foreach (var child in children)
        {
            var (records, ended) = await StreamReading.ReadShardAsync(client, stream, child.ShardId);
            ended.Should().BeFalse();
            childRecords.AddRange(records);
        }
        childRecords.Should().HaveCount(50);

        // Reading parent first, then children, every key sees 0..9 in order.
        foreach (var key in keys)
        {
            var order = parentRecords.Concat(childRecords)
                .Where(r => r.PartitionKey == key)
                .Select(r => int.Parse(Encoding.UTF8.GetString(r.Data).Split(':')[1]));
            order.Should().Equal(Enumerable.Range(0, 10));
        }
    }

    [Fact]
    public async Task Merging_two_adjacent_shards_closes_both_and_opens_one_child_with_both_parents()
    {
        var stream = await kinesalite.CreateStreamAsync(KinesaliteFixture.UniqueStreamName("merge"), 2);
        using var client = kinesalite.CreateClient();
        var before = await client.ListShardsAsync(stream);

        await client.MergeShardsAsync(stream, before[0].ShardId, before[1].ShardId);
        await client.WaitForStreamActiveAsync(stream, TimeSpan.FromSeconds(10));

        var after = await client.ListShardsAsync(stream);
        after.Should().HaveCount(3);
        after.Where(s => before.Any(b => b.ShardId == s.ShardId)).Should().OnlyContain(s => !s.IsOpen);
        var child = after.Single(s => s.IsOpen);
        child.ParentShardId.Should().Be(before[0].ShardId);
        child.AdjacentParentShardId.Should().Be(before[1].ShardId);
        var closed = await StreamReading.ReadShardAsync(client, stream, before[0].ShardId, closed: true);
        closed.ReachedShardEnd.Should().BeTrue();
        closed.Records.Should().BeEmpty();
    }
}
