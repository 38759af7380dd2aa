using System.Text;
using System.Text.Json;
using Basketball.Domain.Events;
using Basketball.Ingress.Tests.Fixtures;
using Basketball.Kinesis;

namespace Basketball.Ingress.Tests.Pipeline;

[Collection(KinesaliteCollection.Name)]
public class MilestoneOutputTests(KinesaliteFixture kinesis)
{
    [Fact]
    public async Task A_milestone_reaches_the_output_stream_the_list_and_the_live_feed_and_a_correction_revokes_it()
    {
        await using var harness = await PipelineHarness.StartAsync(kinesis);
        using var feed = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var live = ReadLiveFeedAsync(harness, connected, feed.Token);
        // The feed starts at the newest milestone when it connects: subscribe before anything can fire.
        await connected.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var gameId = "ms-g1";
        var baskets = Enumerable.Range(0, 4).Select(i => TestEvents.Score(gameId, "t-1", "p-star", 3, clockSeconds: 700 - i * 20)).ToList();
        await harness.PutAsync([TestEvents.Scheduled(gameId), TestEvents.Started(gameId), .. baskets]);
        const string fired = "ms-g1:PlayerPointsInGame:p-star:10:1";

        await Eventually.Assert(async () =>
        {
            var list = (await harness.GetAsync("/api/milestones?limit=50"))!.Value.EnumerateArray().ToList();
            list.Select(m => m.GetProperty("milestoneId").GetString()).Should().Contain(fired);
        }, TimeSpan.FromSeconds(30));

        // 12 points → a correction of one three brings p-star to 9: the milestone is revoked under the same id.
        await harness.PutAsync([TestEvents.Correction(gameId, baskets[0].EventId)]);
        await Eventually.Assert(async () =>
        {
            var list = (await harness.GetAsync("/api/milestones?limit=50"))!.Value.EnumerateArray().ToList();
            list.Should().Contain(m => m.GetProperty("milestoneId").GetString() == fired && m.GetProperty("revoked").GetBoolean());
        }, TimeSpan.FromSeconds(30));

        var published = await ReadStreamAsync(harness, harness.Stream + "-milestones");
        published.Select(m => (m.GetProperty("milestoneId").GetString(), m.GetProperty("revoked").GetBoolean()))
            .Should().Contain([(fired, false), (fired, true)], "both the firing and the revocation are on the output stream");
        published.Should().OnlyContain(m => m.GetProperty("aggregateId").GetString() == gameId);

        await feed.CancelAsync();
        var streamed = await live;
        streamed.Should().Contain(fired, "the live feed sent the milestone while connected");
    }

    private static async Task<List<string>> ReadLiveFeedAsync(PipelineHarness harness, TaskCompletionSource connected, CancellationToken token)
    {
        var ids = new List<string>();
        try
        {
            using var response = await harness.Node.Http.GetAsync("/api/milestones/stream", HttpCompletionOption.ResponseHeadersRead, token);
            response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(token), Encoding.UTF8);
            while (await reader.ReadLineAsync(token) is { } line)
            {
                if (line == ": connected")
                    connected.TrySetResult();
                if (line.StartsWith("data: ", StringComparison.Ordinal))
                    ids.Add(JsonDocument.Parse(line["data: ".Length..]).RootElement.GetProperty("milestoneId").GetString()!);
            }
        }
        catch (OperationCanceledException)
        {
            // the test closes the feed when it has seen enough
        }
        catch (Exception ex)
        {
            connected.TrySetException(ex);
            throw;
        }
        return ids;
    }

    private static async Task<List<JsonElement>> ReadStreamAsync(PipelineHarness harness, string stream)
    {
        var result = new List<JsonElement>();
        foreach (var shard in await harness.Client.ListShardsAsync(stream))
        {
            var iterator = await harness.Client.GetShardIteratorAsync(stream, shard.ShardId, ShardIteratorType.TrimHorizon);
            var batch = await harness.Client.GetRecordsAsync(iterator, 1000);
            result.AddRange(batch.Records.Select(r => JsonDocument.Parse(r.Data).RootElement.Clone()));
        }
        return result;
    }
}
