using System.Net.Http.Json;
using System.Text.Json;
using Basketball.Domain.Events;
using Basketball.Ingress.Tests.Fixtures;
using Basketball.Kinesis;
using Xunit.Abstractions;

namespace Basketball.Ingress.Tests.Pipeline;

/// <summary>Real node processes, killed with SIGKILL in the middle of a stream.</summary>
[Collection(KinesaliteCollection.Name)]
public class CrashRecoveryTests(KinesaliteFixture kinesis, ITestOutputHelper output)
{
    [Fact]
    public async Task A_node_killed_in_the_middle_of_the_stream_resumes_from_its_checkpoints_and_ends_in_the_ground_truth()
    {
        using var directory = new TempDirectory();
        var (stream, env) = await PrepareAsync(directory, "crash", 4);

        var script = OrderedScript.Create("crash", games: 8, scoresPerGame: 60, players: 10, teamChanges: 6, seed: 5);
        using var client = kinesis.CreateClient();
        await using var producer = new KinesisProducer(client, new KinesisProducerOptions(stream));
        var chunks = script.Events.Chunk(script.Events.Count / 10 + 1).ToList();

        var first = await NodeProcess.StartAsync(env, directory.Path);
        try
        {
            foreach (var chunk in chunks.Take(4))
                await PutAsync(producer, chunk);
            // Let it get going, then pull the plug while it is mid-stream.
            await Eventually.Until(async () => await AppliedAsync(first) > 200, TimeSpan.FromSeconds(30), "the first node applies events");
            foreach (var chunk in chunks.Skip(4).Take(2))
                await PutAsync(producer, chunk);
            var appliedAtKill = await AppliedAsync(first);
            await first.KillAsync();
            output.WriteLine($"killed after {appliedAtKill} of {script.Events.Count} events were applied");
            appliedAtKill.Should().BeLessThan(script.Events.Count, "the kill happened in the middle of the stream");
        }
        finally
        {
            await first.DisposeAsync();
        }

        foreach (var chunk in chunks.Skip(6))
            await PutAsync(producer, chunk);

        await using var second = await NodeProcess.StartAsync(env, directory.Path);
        async Task<JsonElement?> Get(string path)
        {
            using var response = await second.Http.GetAsync(path);
            return response.StatusCode == System.Net.HttpStatusCode.NotFound ? null : await response.Content.ReadFromJsonAsync<JsonElement>();
        }

        await PipelineHarness.AssertConvergesAsync(Get, script, TimeSpan.FromSeconds(90));
        var letters = (await Get("/api/deadletters?limit=100"))!.Value.EnumerateArray().ToList();
        letters.Should().BeEmpty("nothing was reordered or rejected across the crash");
        JournalRowsWithManifest(directory.File("basketball.db"), "gb1").Should().BeGreaterThan(0,
            "the games were written as batch rows (gb1), so the crash fell among batches and the batches recovered exactly");
    }

    [Fact]
    public async Task A_node_killed_while_processing_KPL_aggregated_records_resumes_and_loses_and_doubles_nothing()
    {
        using var directory = new TempDirectory();
        var (stream, env) = await PrepareAsync(directory, "crash-kpl", 2);

        var script = OrderedScript.Create("crashkpl", games: 8, scoresPerGame: 80, players: 10, teamChanges: 6, seed: 9);
        using var client = kinesis.CreateClient();
        // Each chunk goes out as about one aggregate per game: dozens of one game's events in one Kinesis record.
        await using var producer = new KinesisProducer(client, new KinesisProducerOptions(stream) { Aggregate = true });
        var chunks = script.Events.Chunk(script.Events.Count / 10 + 1).ToList();

        var first = await NodeProcess.StartAsync(env, directory.Path);
        try
        {
            foreach (var chunk in chunks.Take(6))
                await PutAsync(producer, chunk);
            await Eventually.Until(async () => await AppliedAsync(first) > 150, TimeSpan.FromSeconds(30), "the first node applies events");
            var appliedAtKill = await AppliedAsync(first);
            await first.KillAsync();
            output.WriteLine($"killed after {appliedAtKill} of {script.Events.Count} events were applied");
            appliedAtKill.Should().BeLessThan(script.Events.Count, "the kill happened in the middle of the stream");
        }
        finally
        {
            await first.DisposeAsync();
        }

        foreach (var chunk in chunks.Skip(6))
            await PutAsync(producer, chunk);

        var kinesisRecords = (await Kinesis.StreamReading.ReadStreamAsync(client, stream)).Values.SelectMany(r => r).ToList();
        kinesisRecords.Count(r => KplAggregate.IsAggregate(r.Data)).Should().BeGreaterThan(0);
        kinesisRecords.Count.Should().BeLessThan(script.Events.Count / 5, "the events travelled packed in aggregates");

        await using var second = await NodeProcess.StartAsync(env, directory.Path);
        async Task<JsonElement?> Get(string path)
        {
            using var response = await second.Http.GetAsync(path);
            return response.StatusCode == System.Net.HttpStatusCode.NotFound ? null : await response.Content.ReadFromJsonAsync<JsonElement>();
        }

        // The script's oracle checks every game's score and event count and every player's team and totals:
        // an event lost (an aggregate checkpointed past its unapplied part) or doubled would show.
        await PipelineHarness.AssertConvergesAsync(Get, script, TimeSpan.FromSeconds(90));
        var letters = (await Get("/api/deadletters?limit=100"))!.Value.EnumerateArray().ToList();
        letters.Should().BeEmpty("nothing was reordered or rejected across the crash");
    }

    [Fact]
    public async Task Player_totals_equal_box_scores_after_a_kill_while_player_lines_are_pending()
    {
        // Lines pending by construction: the first node gathers player lines for an hour (and resends none), so
        // every score is durable in its Game's journal while no Player has received a line when the node is
        // killed. The games stay in progress (no GameCompleted), so no line goes out at completion either. After the
        // restart only the Game's recovery (remembered entities, every line resent) can bring the totals right.
        using var directory = new TempDirectory();
        var (stream, env) = await PrepareAsync(directory, "pending", 2, "basketball.entities { line-flush-after = 1h, redeliver-every = 1h }");
        var database = directory.File("basketball.db");

        var script = OrderedScript.Create("pending", games: 6, scoresPerGame: 30, players: 8, teamChanges: 2, seed: 21);
        var events = script.Events.Where(e => e.Data is not GameCompleted).ToList();
        using var client = kinesis.CreateClient();
        await using var producer = new KinesisProducer(client, new KinesisProducerOptions(stream));

        var first = await NodeProcess.StartAsync(env, directory.Path);
        try
        {
            await PutAsync(producer, events);
            await Eventually.Assert(async () =>
            {
                foreach (var (gameId, expected) in script.Games)
                {
                    var game = await first.Http.GetFromJsonAsync<JsonElement>($"/api/games/{gameId}");
                    game.GetProperty("eventsApplied").GetInt32().Should().Be(expected.Events - 1, $"{gameId}: every score is durable");
                }
                foreach (var (playerId, expected) in script.Players)
                {
                    using var response = await first.Http.GetAsync($"/api/players/{playerId}");
                    response.IsSuccessStatusCode.Should().BeTrue(playerId);
                    var player = await response.Content.ReadFromJsonAsync<JsonElement>();
                    player.GetProperty("teamId").GetString().Should().Be(expected.Team, $"{playerId} is registered and its changes applied");
                    player.GetProperty("points").GetInt32().Should().Be(0, $"{playerId}'s lines are still gathered in its Games");
                }
            }, TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(250));
            await first.KillAsync();
        }
        finally
        {
            await first.DisposeAsync();
        }

        // What the dead node left in its journal: the Games are ahead of the Players.
        var scoresInGames = Scalar(database, "SELECT count(*) FROM journal WHERE persistence_id LIKE 'game-%'");
        scoresInGames.Should().BeGreaterThan(0, "the games' scores were persisted");
        (JournalRowsWithManifest(database, "pl1") + JournalRowsWithManifest(database, "pb1")).Should().Be(0,
            "no Player had persisted a line when the node was killed");
        output.WriteLine($"killed with {scoresInGames} game rows and no player-line row in the journal");

        WriteHocon(directory); // the shipped line-flush-after (500 ms), redelivery every 300 ms
        await using var second = await NodeProcess.StartAsync(env, directory.Path);
        await Eventually.Assert(async () =>
        {
            foreach (var (playerId, expected) in script.Players)
            {
                var player = await second.Http.GetFromJsonAsync<JsonElement>($"/api/players/{playerId}");
                player.GetProperty("points").GetInt32().Should().Be(expected.Points,
                    $"{playerId}'s total is the sum of the points the script gave it (its box scores)");
            }
        }, TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(250));
        var letters = (await second.Http.GetFromJsonAsync<JsonElement>("/api/deadletters?limit=100")).EnumerateArray().ToList();
        letters.Should().BeEmpty("nothing was rejected across the crash");
    }

    private static long Scalar(string database, string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        return (long)command.ExecuteScalar()!;
    }

    private static long JournalRowsWithManifest(string database, string manifest) =>
        Scalar(database, "SELECT count(*) FROM journal WHERE manifest = $manifest", ("$manifest", manifest));

    /// <summary>A stream of its own, the node's configuration in the directory, and a node environment on its SQLite file.</summary>
    private async Task<(string Stream, Dictionary<string, string> Env)> PrepareAsync(TempDirectory directory, string prefix, int shards,
        string extraHocon = "")
    {
        var stream = KinesaliteFixture.UniqueStreamName(prefix);
        await kinesis.CreateStreamAsync(stream, shards);
        WriteHocon(directory, extraHocon);
        var env = PipelineHarness.Environment(kinesis, stream);
        env["BASKETBALL_JOURNAL"] = $"sqlite:{directory.File("basketball.db")}";
        return (stream, env);
    }

    /// <summary>The node's own akka.hocon plus fast polling (the working directory's file wins over the binary's).</summary>
    private static void WriteHocon(TempDirectory directory, string extra = "")
    {
        var hocon = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "akka.hocon"));
        File.WriteAllText(directory.File("akka.hocon"), hocon + "\n" + PipelineHarness.FastIngress + "\n" + extra);
    }

    private static async Task PutAsync(KinesisProducer producer, IEnumerable<EventEnvelope> events)
    {
        var result = await producer.PutAsync(events.Select(e => (e.AggregateId, (ReadOnlyMemory<byte>)EventJson.Serialize(e))).ToList());
        result.Records.Should().OnlyContain(r => r.Succeeded);
    }

    private static async Task<double> AppliedAsync(NodeProcess node)
    {
        var text = await node.Http.GetStringAsync("/metrics");
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith("basketball_events_applied_total ", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
