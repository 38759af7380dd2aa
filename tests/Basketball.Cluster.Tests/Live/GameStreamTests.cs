using System.Text.Json;
using Akka.Actor;
using Basketball.Domain.Events;
using Basketball.Shards.Entities;
using Basketball.Simulator;
using Microsoft.Data.Sqlite;

namespace Basketball.Cluster.Tests.Live;

/// <summary>GET /api/games/stream: a subscriber sees every change of every game once, in journal order.</summary>
public sealed class GameStreamTests
{
    [Fact]
    public async Task A_subscriber_sees_each_journal_row_of_every_game_once_in_order_and_ends_at_the_ground_truth()
    {
        using var directory = new TempDirectory("basketball-stream");
        var file = directory.File("b.db");
        await using var node = await InProcessNode.StartAsync($"sqlite:{file}");
        await using var stream = await ServerSentEventsRecorder.StartAsync(node.Http.BaseAddress!, "/api/games/stream");

        var season = SeasonGenerator.Generate(new SimulationOptions(Games: 4, Seed: 41, PlaysPerGame: 60, CorrectionRate: 0.05));
        var truth = GroundTruth.Of(season);
        // Each game in small calls of 1-4 events (so rows of one and of several events), the games at the same time,
        // with a rejected score before each game starts (a journal row without the feed's tag) and a repeated call.
        await Task.WhenAll(season.Games.Select(async (game, index) =>
        {
            var random = new Random(41 + index);
            Task<EventsProcessed> Send(IReadOnlyList<EventEnvelope> events) =>
                node.Games.Ask<EventsProcessed>(new ProcessEvents(game.GameId, events), TimeSpan.FromSeconds(10));
            await Send([game.Events[0]]);
            await Send([TestEvents.Score(game.GameId, game.HomeTeamId, "p-early", 2)]);
            var calls = 0;
            for (var next = 1; next < game.Events.Count; calls++)
            {
                var chunk = game.Events.Skip(next).Take(random.Next(1, 5)).ToList();
                await Send(chunk);
                if (calls == 5)
                    await Send(chunk); // a producer's retry: duplicates only
                next += chunk.Count;
            }
        }));

        await Eventually.Assert(() =>
        {
            var latest = LatestPerGame(stream.Events);
            latest.Keys.Should().BeEquivalentTo(truth.Games.Keys);
            foreach (var game in truth.Games.Values)
            {
                var projection = latest[game.GameId];
                projection.GetProperty("status").GetString().Should().Be("Completed");
                projection.GetProperty("score").GetProperty(game.HomeTeamId).GetInt32().Should().Be(game.HomePoints);
                projection.GetProperty("score").GetProperty(game.AwayTeamId).GetInt32().Should().Be(game.AwayPoints);
                projection.GetProperty("players").EnumerateObject().Where(p => p.Value.GetProperty("points").GetInt32() > 0)
                    .ToDictionary(p => p.Name, p => p.Value.GetProperty("points").GetInt32())
                    .Should().BeEquivalentTo(game.PlayerPoints);
            }
            return Task.CompletedTask;
        }, TimeSpan.FromSeconds(30));

        // Against the journal itself: one event per row that applied something (the rows the feed's tag marks), with
        // the row's offset as the event id and its sequence number as the version: none missed, none twice.
        var rows = TaggedGameRows(file);
        var events = stream.Events;
        events.Should().OnlyContain(e => e.Type == "game");
        events.Select(e => long.Parse(e.Id)).Should().Equal(rows.Select(r => r.Ordering), "the events follow the journal, row by row");
        foreach (var game in truth.Games.Keys)
        {
            events.Where(e => e.Data.GetProperty("gameId").GetString() == game).Select(e => e.Data.GetProperty("version").GetInt64())
                .Should().Equal(rows.Where(r => r.GameId == game).Select(r => r.SequenceNr), $"{game}'s versions are its rows, in order");
            var entity = JsonDocument.Parse(await node.Http.GetStringAsync($"/api/games/{game}")).RootElement;
            Basketball.Replay.JournalReplay.Differences(LatestPerGame(events)[game], entity).Should().BeEmpty("the last event is the entity's state");
        }
        rows.Should().Contain(r => r.Untagged > 0, "rejections were journal rows the feed had to step over");
    }

    private static Dictionary<string, JsonElement> LatestPerGame(IEnumerable<ReceivedEvent> events) =>
        events.GroupBy(e => e.Data.GetProperty("gameId").GetString()!).ToDictionary(g => g.Key, g => g.Last().Data);

    /// <summary>The Game rows that carry the `game` tag, in journal order, each with how many untagged rows of its game came before it.</summary>
    private static List<(long Ordering, string GameId, long SequenceNr, int Untagged)> TaggedGameRows(string file)
    {
        using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT ordering, persistence_id, sequence_number, tags FROM journal WHERE persistence_id LIKE 'game-%' ORDER BY ordering";
        var rows = new List<(long, string, long, int)>();
        var untagged = new Dictionary<string, int>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var game = reader.GetString(1)[GameEntity.PersistenceIdPrefix.Length..];
            var tags = reader.IsDBNull(3) ? "" : reader.GetString(3);
            if (tags.Contains($";{JournalTags.Game};", StringComparison.Ordinal))
                rows.Add((reader.GetInt64(0), game, reader.GetInt64(2), untagged.GetValueOrDefault(game)));
            else
                untagged[game] = untagged.GetValueOrDefault(game) + 1;
        }
        return rows;
    }
}
