using System.Globalization;
using System.Text.Json;
using Basketball.Ingress.Checkpoints;
using Basketball.Ingress.Tests.Fixtures;
using Basketball.Storage;

namespace Basketball.Ingress.Tests.Pipeline;

[Collection(KinesaliteCollection.Name)]
public class ReingestTests(KinesaliteFixture kinesis)
{
    [Fact]
    public async Task Reading_the_whole_stream_again_after_a_reset_to_TRIM_HORIZON_changes_nothing_and_counts_every_record_as_a_duplicate()
    {
        await using var harness = await PipelineHarness.StartAsync(kinesis);
        var script = OrderedScript.Create("again", games: 4, scoresPerGame: 25, players: 5, teamChanges: 3, seed: 13);
        await harness.PutAsync(script.Events);
        await harness.AssertConvergesAsync(script, TimeSpan.FromSeconds(60));
        var before = await SnapshotAsync(harness, script);
        var duplicatesBefore = await RecordDuplicatesAsync(harness);

        var store = new SqlCheckpointStore(DatabaseTarget.Parse(harness.Journal));
        foreach (var shard in await harness.Client.ListShardsAsync(harness.Stream))
            await store.ResetAsync(harness.Stream, shard.ShardId, ShardStartPosition.TrimHorizon);

        await Eventually.Until(async () => await RecordDuplicatesAsync(harness) - duplicatesBefore >= script.Events.Count,
            TimeSpan.FromSeconds(60), "every record was read again and recognised as a duplicate", TimeSpan.FromMilliseconds(200));
        (await RecordDuplicatesAsync(harness) - duplicatesBefore).Should().Be(script.Events.Count, "each record counted once");
        (await SnapshotAsync(harness, script)).Should().Equal(before, "re-ingesting changed no projection");
    }

    private static async Task<double> RecordDuplicatesAsync(PipelineHarness harness)
    {
        var text = await harness.Node.Http.GetStringAsync("/metrics");
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith("basketball_duplicates_total{cause=\"record\"}", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }

    private static async Task<List<string>> SnapshotAsync(PipelineHarness harness, OrderedScript script)
    {
        var result = new List<string>();
        foreach (var path in script.Games.Keys.Select(g => $"/api/games/{g}").Concat(script.Games.Keys.Select(g => $"/api/games/{g}/plays"))
                     .Concat(script.Players.Keys.Select(p => $"/api/players/{p}")).Append("/api/deadletters?limit=100"))
            result.Add(JsonSerializer.Serialize(await harness.GetAsync(path)));
        return result;
    }
}
