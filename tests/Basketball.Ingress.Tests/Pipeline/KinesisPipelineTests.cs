using System.Text;
using Basketball.Domain.Events;
using Basketball.Ingress.Tests.Fixtures;
using Basketball.Ingress.Tests.Kinesis;
using Basketball.Kinesis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Basketball.Ingress.Tests.Pipeline;

[Collection(KinesaliteCollection.Name)]
public class KinesisPipelineTests(KinesaliteFixture kinesis)
{
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Events_put_with_the_producer_are_applied_in_order_and_projections_match_the_reference()
    {
        await using var harness = await PipelineHarness.StartAsync(kinesis);
        var script = OrderedScript.Create("e2e", games: 6, scoresPerGame: 40, players: 8, teamChanges: 5, seed: 1);

        await harness.PutAsync(script.Events);

        await harness.AssertConvergesAsync(script, Converge);
        (await harness.DeadLettersAsync()).Should().BeEmpty("records of one aggregate arrived in order, so none was rejected");
    }

    [Fact]
    public async Task Every_kind_of_bad_record_becomes_a_dead_letter_and_later_good_records_are_still_applied()
    {
        await using var harness = await PipelineHarness.StartAsync(kinesis);
        var good = OrderedScript.Create("bad", games: 2, scoresPerGame: 10, players: 3, teamChanges: 2, seed: 2);
        var firstGame = good.Games.Keys.First();
        var before = good.Events.Take(good.Events.Count / 2).ToList();
        var after = good.Events.Skip(good.Events.Count / 2).ToList();

        string Json(string s) => s;
        var bad = new List<(string Key, byte[] Data, string Reason)>
        {
            (firstGame, Encoding.UTF8.GetBytes("{not json"), "malformed_json"),
            (firstGame, Encoding.UTF8.GetBytes(Json("""{"eventId":"x1","aggregateId":"g","aggregateType":"Game","eventType":"GameCompleted","eventVersion":"1","timestamp":"2026-01-01T00:00:00Z","metadata":{"correlationId":"c","source":"s"}}""")), "missing_field"),
            (firstGame, Encoding.UTF8.GetBytes(Json("""{"eventId":"x2","aggregateId":"g","aggregateType":"Game","eventType":"GameCompleted","eventVersion":"1","timestamp":"not a time","metadata":{"correlationId":"c","source":"s"},"eventData":{"gameId":"g"}}""")), "invalid_value"),
            (firstGame, Encoding.UTF8.GetBytes(Json("""{"eventId":"x3","aggregateId":"g","aggregateType":"Game","eventType":"GameExploded","eventVersion":"1","timestamp":"2026-01-01T00:00:00Z","metadata":{"correlationId":"c","source":"s"},"eventData":{"gameId":"g"}}""")), "unknown_event_type"),
            (firstGame, Encoding.UTF8.GetBytes(Json("""{"eventId":"x4","aggregateId":"g","aggregateType":"Team","eventType":"GameCompleted","eventVersion":"1","timestamp":"2026-01-01T00:00:00Z","metadata":{"correlationId":"c","source":"s"},"eventData":{"gameId":"g"}}""")), "unknown_aggregate_type"),
            (firstGame, Encoding.UTF8.GetBytes(Json("""{"eventId":"x5","aggregateId":"g","aggregateType":"Game","eventType":"GameCompleted","eventVersion":"7","timestamp":"2026-01-01T00:00:00Z","metadata":{"correlationId":"c","source":"s"},"eventData":{"gameId":"g"}}""")), "unsupported_version"),
        };
        // Rule violations, decided by the entities: a status change the machine forbids, a score in a game that
        // is not in progress, a correction of a score never applied.
        var illegal = TestEvents.Status(firstGame, GameStatus.Scheduled, GameStatus.Completed);
        var notInProgress = TestEvents.Score("bad-unknown-game", "t-1", "p", 2);
        var unknownTarget = TestEvents.Correction(firstGame, "never-applied");

        await harness.PutAsync(before);
        await harness.PutRawAsync(bad.Select(b => (b.Key, b.Data)));
        await harness.PutAsync([illegal, notInProgress, unknownTarget]);
        await harness.PutAsync(after);

        await harness.AssertConvergesAsync(good, Converge);
        await Eventually.Assert(async () =>
        {
            var letters = await harness.DeadLettersAsync();
            letters.Select(l => l.GetProperty("reason").GetString()).Should().BeEquivalentTo(
                bad.Select(b => b.Reason).Concat(["illegal_transition", "game_not_in_progress", "unknown_correction_target"]));
            letters.Should().OnlyContain(l => l.GetProperty("message").GetString()!.Length > 0
                && l.GetProperty("shardId").GetString()!.StartsWith("shardId-")
                && l.GetProperty("sequenceNumber").GetString()!.Length > 0
                && l.GetProperty("data").GetString()!.Length > 0);
        }, TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Throttling_server_errors_dropped_connections_and_expired_iterators_lose_and_reorder_nothing()
    {
        var faults = new FaultInjectingHandler();
        await using var harness = await PipelineHarness.StartAsync(kinesis, services: services => services.AddSingleton(sp =>
            new KinesisClient(kinesis.Options with { BaseRetryDelay = TimeSpan.FromMilliseconds(5), MaxRetryDelay = TimeSpan.FromMilliseconds(50) },
                faults, disposeHandler: true, sp.GetRequiredService<ILoggerFactory>().CreateLogger<KinesisClient>())));
        var script = OrderedScript.Create("faults", games: 4, scoresPerGame: 40, players: 6, teamChanges: 6, seed: 3);

        // The producer side: partial PutRecords failures (a quarter of the records of some calls).
        var producerFaults = new FaultInjectingHandler();
        producerFaults.Inject("PutRecords", new Fault.PartialPutRecords((index, _) => index % 4 == 1), times: 6);
        using var producerClient = kinesis.CreateClient(producerFaults);
        await using var producer = new KinesisProducer(producerClient, new KinesisProducerOptions(harness.Stream)
        {
            BaseRetryDelay = TimeSpan.FromMilliseconds(5),
        });

        using var stop = new CancellationTokenSource();
        var chaos = Task.Run(async () =>
        {
            Fault[] kinds = [Fault.Throttle(), Fault.InternalError(), Fault.Unavailable(), new Fault.DropConnection(), Fault.ExpiredIterator()];
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                faults.Inject("GetRecords", kinds[i % kinds.Length]);
                await Task.Delay(40);
            }
        });

        var half = script.Events.Count / 2;
        foreach (var part in new[] { script.Events.Take(half), script.Events.Skip(half) })
        {
            var result = await producer.PutAsync(part.Select(e => (e.AggregateId, (ReadOnlyMemory<byte>)EventJson.Serialize(e))).ToList());
            result.Records.Should().OnlyContain(r => r.Succeeded);
        }

        try
        {
            await harness.AssertConvergesAsync(script, Converge);
        }
        finally
        {
            await stop.CancelAsync();
            await chaos;
        }
        (await harness.DeadLettersAsync()).Should().BeEmpty("no record was lost, doubled or reordered by the faults");
        faults.Seen.Count(r => r.Action == "GetRecords" && !r.Forwarded).Should().BeGreaterThan(5, "faults were really injected");
        producerFaults.Seen.Count(r => r.Action == "PutRecords").Should().BeGreaterThan(1);
    }

    [Fact]
    public async Task A_shard_split_in_the_middle_of_the_stream_keeps_per_aggregate_order()
    {
        await using var harness = await PipelineHarness.StartAsync(kinesis, shards: 2);
        var script = OrderedScript.Create("split", games: 6, scoresPerGame: 30, players: 6, teamChanges: 8, seed: 4);
        var third = script.Events.Count / 3;

        await harness.PutAsync(script.Events.Take(third));
        var shards = await harness.Client.ListShardsAsync(harness.Stream);
        foreach (var shard in shards)
        {
            var start = System.Numerics.BigInteger.Parse(shard.HashKeyRange.StartingHashKey);
            var end = System.Numerics.BigInteger.Parse(shard.HashKeyRange.EndingHashKey);
            await harness.Client.SplitShardAsync(harness.Stream, shard.ShardId, ((start + end) / 2).ToString());
            await harness.Client.WaitForStreamActiveAsync(harness.Stream, TimeSpan.FromSeconds(10));
        }
        await harness.PutAsync(script.Events.Skip(third).Take(third));
        // A second generation: split a child again while records flow.
        var open = (await harness.Client.ListShardsAsync(harness.Stream)).First(s => s.IsOpen);
        var from = System.Numerics.BigInteger.Parse(open.HashKeyRange.StartingHashKey);
        var to = System.Numerics.BigInteger.Parse(open.HashKeyRange.EndingHashKey);
        await harness.Client.SplitShardAsync(harness.Stream, open.ShardId, ((from + to) / 2).ToString());
        await harness.Client.WaitForStreamActiveAsync(harness.Stream, TimeSpan.FromSeconds(10));
        await harness.PutAsync(script.Events.Skip(2 * third));

        await harness.AssertConvergesAsync(script, Converge);
        (await harness.DeadLettersAsync()).Should().BeEmpty("children were read only after their parents, so no aggregate saw its events out of order");
    }

    [Fact]
    public async Task After_a_merge_with_a_large_parent_backlog_the_child_is_read_only_after_both_parents_and_order_holds()
    {
        // Before the node starts: two thirds of the script in the two parents, then a merge, then the last third
        // (every game's completion, the last team changes) in the child. With the shipped 200 ms polling and 25
        // records per GetRecords each parent needs several seconds of reads to reach its end, while the child's
        // records are there from the start: a coordinator that read the child at once would complete games
        // before their scores and break the team-change chains, and those records would be dead letters.
        var script = OrderedScript.Create("merge", games: 6, scoresPerGame: 40, players: 6, teamChanges: 8, seed: 31);
        var parentsPart = script.Events.Take(script.Events.Count * 2 / 3).ToList();
        var childPart = script.Events.Skip(parentsPart.Count).ToList();
        IReadOnlyList<Shard> parents = [];
        async Task PutThenMerge(string stream)
        {
            using var client = kinesis.CreateClient();
            await using var producer = new KinesisProducer(client, new KinesisProducerOptions(stream));
            await PutAllAsync(producer, parentsPart);
            parents = await client.ListShardsAsync(stream);
            parents.Should().HaveCount(2);
            await client.MergeShardsAsync(stream, parents[0].ShardId, parents[1].ShardId);
            await client.WaitForStreamActiveAsync(stream, TimeSpan.FromSeconds(10));
            await PutAllAsync(producer, childPart);
        }

        await using var harness = await PipelineHarness.StartAsync(kinesis, shards: 2, beforeStart: PutThenMerge,
            hocon: "\nbasketball.ingress { min-poll-interval = 200ms, idle-poll-interval = 200ms, get-records-limit = 25 }");
        var child = (await harness.Client.ListShardsAsync(harness.Stream)).Single(s => s.IsOpen);
        new[] { child.ParentShardId, child.AdjacentParentShardId }.Should().BeEquivalentTo(parents.Select(p => p.ShardId),
            "the open shard is the merge's child");

        await harness.AssertConvergesAsync(script, TimeSpan.FromSeconds(120));
        (await harness.DeadLettersAsync()).Should().BeEmpty("the child was read only after both parents reached their ends");
    }

    private static async Task PutAllAsync(KinesisProducer producer, IEnumerable<EventEnvelope> events)
    {
        var result = await producer.PutAsync(events.Select(e => (e.AggregateId, (ReadOnlyMemory<byte>)EventJson.Serialize(e))).ToList());
        result.Records.Should().OnlyContain(r => r.Succeeded);
    }
}
