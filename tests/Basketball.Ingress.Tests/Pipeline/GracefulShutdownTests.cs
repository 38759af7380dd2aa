using Basketball.Domain.Events;
using Basketball.Ingress.Checkpoints;
using Basketball.Ingress.Tests.Fixtures;
using Basketball.Kinesis;
using Basketball.Storage;

namespace Basketball.Ingress.Tests.Pipeline;

[Collection(KinesaliteCollection.Name)]
public class GracefulShutdownTests(KinesaliteFixture kinesis)
{
    [Fact]
    public async Task A_graceful_stop_drains_and_checkpoints_every_shard_at_its_last_record_and_releases_it()
    {
        using var directory = new TempDirectory();
        var stream = KinesaliteFixture.UniqueStreamName("drain");
        await kinesis.CreateStreamAsync(stream, 3);
        var env = PipelineHarness.Environment(kinesis, stream);
        env["BASKETBALL_JOURNAL"] = $"sqlite:{directory.File("basketball.db")}";
        // A long checkpoint interval: only the drain on shutdown can have written the final checkpoints.
        File.WriteAllText(directory.File("akka.hocon"), File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "akka.hocon")) + "\n"
            + PipelineHarness.FastIngress + "\nbasketball.ingress { checkpoint-every = 10m, checkpoint-every-records = 100000 }");

        var script = OrderedScript.Create("drain", games: 4, scoresPerGame: 30, players: 4, teamChanges: 2, seed: 6);
        using var client = kinesis.CreateClient();
        await using var producer = new KinesisProducer(client, new KinesisProducerOptions(stream));
        var put = await producer.PutAsync(script.Events.Select(e => (e.AggregateId, (ReadOnlyMemory<byte>)EventJson.Serialize(e))).ToList());
        var lastPerShard = put.Records.GroupBy(r => r.ShardId!).ToDictionary(g => g.Key, g => g.Select(r => new SequenceNumber(r.SequenceNumber!)).Max());

        var node = await NodeProcess.StartAsync(env, directory.Path);
        try
        {
            await PipelineHarness.AssertConvergesAsync(async path =>
            {
                using var response = await node.Http.GetAsync(path);
                return response.IsSuccessStatusCode ? await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.JsonElement>(response.Content) : null;
            }, script, TimeSpan.FromSeconds(60));
            await node.StopGracefullyAsync();
        }
        finally
        {
            await node.DisposeAsync();
        }

        var store = new SqlCheckpointStore(DatabaseTarget.Parse($"sqlite:{directory.File("basketball.db")}"));
        var checkpoints = (await store.ListAsync(stream)).ToDictionary(c => c.ShardId);
        foreach (var (shard, last) in lastPerShard)
        {
            checkpoints.Should().ContainKey(shard);
            new SequenceNumber(checkpoints[shard].SequenceNumber!).Should().Be(last, $"{shard} was drained and checkpointed at its last record");
            checkpoints[shard].Owner.Should().BeNull($"{shard}'s lease was released for the next owner");
        }
    }
}
