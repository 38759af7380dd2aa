using System.Text.Json;
using Akka.Actor;
using Basketball.Domain.Events;
using Basketball.Domain.Games;
using Basketball.Domain.Players;
using Basketball.Shards.Entities;
using EventEnvelope = Basketball.Domain.Events.EventEnvelope;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;

namespace Basketball.Shards.Tests.Entities;

public class RecoveryEquivalenceTests : IDisposable
{
    private const int Games = 100;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task State_recovered_from_snapshot_and_tail_equals_a_full_replay_and_the_state_before_the_restart()
    {
        var journal = $"sqlite:{_dir.File("basketball.db")}";
        // A small interval so that most entities recover from a snapshot plus a tail.
        const string hocon = "basketball.snapshot-every = 7";
        var streams = Enumerable.Range(1, Games).Select(i => RandomGame.Create($"rg-{i:D3}", seed: i)).ToList();
        var playerIds = streams.SelectMany(s => s.Players).Distinct().ToList();

        Dictionary<string, string> before;
        await using (var node = await InProcessNode.StartAsync(journal, hocon))
        {
            foreach (var stream in streams)
            {
                // Several deliveries per game, as the ingress would make them.
                foreach (var chunk in stream.Events.Chunk(9))
                    await node.Games.Ask<EventsProcessed>(new ProcessEvents(stream.GameId, chunk), Timeout);
            }
            await WaitForPlayerLines(node, streams);
            before = await CaptureAsync(node, streams, playerIds);
        }

        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_dir.File("basketball.db")}"))
        {
            connection.Open();
            using var count = connection.CreateCommand();
            count.CommandText = "SELECT COUNT(DISTINCT persistence_id) FROM snapshot";
            Convert.ToInt32(count.ExecuteScalar()).Should().BeGreaterThan(Games / 2, "most entities recover from a snapshot plus a tail");
        }

        await using (var node = await InProcessNode.StartAsync(journal, hocon))
        {
            var recovered = await CaptureAsync(node, streams, playerIds);
            var replayed = await FullReplayAsync(node.System, streams, playerIds);

            foreach (var key in before.Keys)
            {
                recovered[key].Should().Be(before[key], $"{key} recovered from snapshot + tail equals the state before the restart");
                replayed[key].Should().Be(before[key], $"{key} replayed from the whole journal equals the state before the restart");
            }
        }
    }

    [Fact]
    public async Task Deleting_every_snapshot_and_recovering_gives_the_same_state()
    {
        var journal = $"sqlite:{_dir.File("basketball.db")}";
        const string hocon = "basketball.snapshot-every = 5";
        var streams = Enumerable.Range(1, 20).Select(i => RandomGame.Create($"ds-{i:D2}", seed: 1000 + i)).ToList();
        var playerIds = streams.SelectMany(s => s.Players).Distinct().ToList();

        Dictionary<string, string> before;
        await using (var node = await InProcessNode.StartAsync(journal, hocon))
        {
            foreach (var stream in streams)
                await node.Games.Ask<EventsProcessed>(new ProcessEvents(stream.GameId, stream.Events), Timeout);
            await WaitForPlayerLines(node, streams);
            before = await CaptureAsync(node, streams, playerIds);
        }

        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_dir.File("basketball.db")}"))
        {
            connection.Open();
            using var delete = connection.CreateCommand();
            delete.CommandText = "DELETE FROM snapshot";
            delete.ExecuteNonQuery().Should().BeGreaterThan(0, "there were snapshots to lose");
        }

        await using (var node = await InProcessNode.StartAsync(journal, hocon))
        {
            var recovered = await CaptureAsync(node, streams, playerIds);
            recovered.Should().Equal(before);
        }
    }

    /// <summary>
    /// Player lines travel after the games' writes: waits until every player holds each game's final line (the
    /// per-game points and the shot totals), so that no line is still on its way when the state is captured.
    /// </summary>
    private static async Task WaitForPlayerLines(InProcessNode node, IReadOnlyList<RandomGame> streams)
    {
        var expected = new Dictionary<string, ExpectedLines>();
        foreach (var stream in streams)
        {
            var game = (await node.Games.Ask<GameReply>(new GetGame(stream.GameId), Timeout)).Game!;
            foreach (var (playerId, line) in game.Players)
            {
                var sum = expected.GetValueOrDefault(playerId) ?? new ExpectedLines(new SortedDictionary<string, int>(StringComparer.Ordinal), 0, 0, 0, 0);
                if (line.FreeThrows + line.FieldGoals + line.ThreePointers > 0)
                    sum.Games[stream.GameId] = line.Points;
                expected[playerId] = sum with
                {
                    Points = sum.Points + line.Points, FreeThrows = sum.FreeThrows + line.FreeThrows, FieldGoals = sum.FieldGoals + line.FieldGoals,
                    ThreePointers = sum.ThreePointers + line.ThreePointers,
                };
            }
        }
        foreach (var (playerId, line) in expected)
        {
            await Eventually.Until(async () =>
                (await node.Players.Ask<PlayerReply>(new GetPlayer(playerId), Timeout)).Player is { } player
                && (player.Points, player.FreeThrows, player.FieldGoals, player.ThreePointers) == (line.Points, line.FreeThrows, line.FieldGoals, line.ThreePointers)
                && player.Games.SequenceEqual(line.Games),
                TimeSpan.FromSeconds(30), $"{playerId} has all its lines");
        }
    }

    private sealed record ExpectedLines(SortedDictionary<string, int> Games, int Points, int FreeThrows, int FieldGoals, int ThreePointers);

    private static async Task<Dictionary<string, string>> CaptureAsync(InProcessNode node, IReadOnlyList<RandomGame> streams, IReadOnlyList<string> players)
    {
        var result = new Dictionary<string, string>();
        foreach (var stream in streams)
        {
            result[$"game {stream.GameId}"] = JsonSerializer.Serialize((await node.Games.Ask<GameReply>(new GetGame(stream.GameId), Timeout)).Game, Json);
            result[$"plays {stream.GameId}"] = JsonSerializer.Serialize((await node.Games.Ask<GamePlaysReply>(new GetGamePlays(stream.GameId), Timeout)).Plays, Json);
        }
        foreach (var player in players)
            result[$"player {player}"] = JsonSerializer.Serialize((await node.Players.Ask<PlayerReply>(new GetPlayer(player), Timeout)).Player, Json);
        return result;
    }

    /// <summary>Folds every journal event of each entity through Apply, ignoring snapshots.</summary>
    private static async Task<Dictionary<string, string>> FullReplayAsync(ActorSystem system, IReadOnlyList<RandomGame> streams, IReadOnlyList<string> players)
    {
        var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>("akka.persistence.query.journal.sql");
        var materializer = system.Materializer();
        var result = new Dictionary<string, string>();
        foreach (var stream in streams)
        {
            var (state, version) = await FoldAsync(journal, materializer, GameEntity.PersistenceIdPrefix + stream.GameId, GameState.Initial(stream.GameId),
                (s, e) => s.Apply((IGameJournalEvent)e));
            result[$"game {stream.GameId}"] = JsonSerializer.Serialize(state.ToProjection(version), Json);
            result[$"plays {stream.GameId}"] = JsonSerializer.Serialize(state.PlayByPlay(), Json);
        }
        foreach (var player in players)
        {
            var (state, version) = await FoldAsync(journal, materializer, PlayerEntity.PersistenceIdPrefix + player, PlayerState.Initial(player),
                (s, e) => s.Apply((IPlayerJournalEvent)e));
            result[$"player {player}"] = JsonSerializer.Serialize(state.ToProjection(version), Json);
        }
        return result;
    }

    private static async Task<(T State, long Version)> FoldAsync<T>(SqlReadJournal journal, IMaterializer materializer, string persistenceId, T initial,
        Func<T, object, T> apply)
    {
        var state = initial;
        long version = 0;
        await journal.CurrentEventsByPersistenceId(persistenceId, 0, long.MaxValue).RunForeach(envelope =>
        {
            state = apply(state, envelope.Event);
            version = envelope.SequenceNr;
        }, materializer);
        return (state, version);
    }
}

/// <summary>A seeded random game: scores, halftime, corrections of earlier scores, some events out of place.</summary>
public sealed record RandomGame(string GameId, IReadOnlyList<EventEnvelope> Events, IReadOnlyList<string> Players)
{
    public static RandomGame Create(string gameId, int seed)
    {
        var random = new Random(seed);
        var home = $"t-{random.Next(1, 5)}";
        var away = $"t-{random.Next(5, 9)}";
        var players = Enumerable.Range(1, 6).Select(i => $"{(i <= 3 ? home : away)}-p{i}").ToArray();
        var events = new List<EventEnvelope> { TestEvents.Scheduled(gameId, home, away), TestEvents.Started(gameId, home, away) };
        var scores = new List<string>();
        var clock = 720;
        var period = 1;
        for (var k = 0; k < random.Next(30, 80); k++)
        {
            clock -= random.Next(5, 40);
            if (clock < 0)
            {
                if (period == 2)
                {
                    events.Add(TestEvents.Status(gameId, GameStatus.InProgress, GameStatus.Halftime));
                    events.Add(TestEvents.Status(gameId, GameStatus.Halftime, GameStatus.InProgress));
                }
                period++;
                clock = period <= 4 ? 700 : 290;
            }
            var player = players[random.Next(players.Length)];
            var score = TestEvents.Score(gameId, player.StartsWith(home) ? home : away, player, random.Next(1, 4), period, clock);
            events.Add(score);
            scores.Add(score.EventId);
            if (random.Next(12) == 0 && scores.Count > 2)
            {
                var target = scores[random.Next(scores.Count - 1)];
                events.Add(TestEvents.Correction(gameId, target)); // corrections of a corrected score are rejected: also recovered
            }
            if (random.Next(25) == 0)
                events.Add(events[random.Next(events.Count)]); // a duplicate delivery
        }
        if (random.Next(3) > 0)
            events.Add(TestEvents.Completed(gameId));
        return new RandomGame(gameId, events, players);
    }
}
