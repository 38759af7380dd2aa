using Akka.Actor;
using Basketball.Domain;
using Basketball.Domain.Events;
using Basketball.Shards.Entities;
using Basketball.TestSupport;

namespace Basketball.Shards.Tests.Entities;

/// <summary>Entities on a real SQLite journal inside real (in-process) nodes, restarted between steps.</summary>
public class EntityPersistenceTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _dir = new();

    private string Journal => $"sqlite:{_dir.File("basketball.db")}";

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Duplicate_event_is_acknowledged_without_changing_state_immediately_and_after_a_restart()
    {
        var score = TestEvents.Score("g-dup", "t-1", "p-1", 3);
        await using (var node = await InProcessNode.StartAsync(Journal))
        {
            await Process(node, "g-dup", TestEvents.Scheduled("g-dup"), TestEvents.Started("g-dup"), score);
            var before = await Game(node, "g-dup");

            var again = await Process(node, "g-dup", score);
            again.Outcomes.Single().Kind.Should().Be(OutcomeKind.Duplicate);
            (await Game(node, "g-dup")).Should().BeEquivalentTo(before);
        }

        await using (var node = await InProcessNode.StartAsync(Journal))
        {
            var before = await Game(node, "g-dup");
            before.Should().NotBeNull();
            var again = await Process(node, "g-dup", score);
            again.Outcomes.Single().Kind.Should().Be(OutcomeKind.Duplicate);
            (await Game(node, "g-dup")).Should().BeEquivalentTo(before);
        }
    }

    [Fact]
    public async Task A_rejected_event_is_answered_with_its_reason_never_applied_and_answered_the_same_after_a_restart()
    {
        var early = TestEvents.Score("g-rej", "t-1", "p-1", 2);
        await using (var node = await InProcessNode.StartAsync(Journal))
        {
            var reply = await Process(node, "g-rej", TestEvents.Scheduled("g-rej"), early, TestEvents.Started("g-rej"));
            reply.Outcomes.Select(o => o.Kind).Should().Equal(OutcomeKind.Applied, OutcomeKind.Rejected, OutcomeKind.Applied);
            reply.Outcomes[1].Rejection!.Reason.Should().Be(RejectionReason.GameNotInProgress);
            (await Game(node, "g-rej"))!.Plays.Should().Be(0);
        }

        await using (var node = await InProcessNode.StartAsync(Journal))
        {
            // The game is InProgress now, but the same record keeps its first answer: a crash changes no outcome.
            var again = await Process(node, "g-rej", early);
            again.Outcomes.Single().Kind.Should().Be(OutcomeKind.Rejected);
            again.Outcomes.Single().Rejection!.Reason.Should().Be(RejectionReason.GameNotInProgress);
            (await Game(node, "g-rej"))!.Plays.Should().Be(0);
        }
    }

    /// <summary>
    /// Two nodes that both believe they host one game (a split brain, a frozen node that thawed) write its journal
    /// in turns: node A, then node B, then A again, whose stale incarnation is refused its first write (the journal's
    /// unique sequence numbers), recovers and writes on top. Akka.Persistence.Sql stamps each row with its node's
    /// journal (writer_uuid), not with the entity incarnation, so the rows read A, B, A; Akka's replay filter in its
    /// default mode took the second A run for a stale writer's and dropped it from every later recovery.
    /// </summary>
    [Fact]
    public async Task A_game_whose_journal_rows_alternate_between_two_nodes_recovers_every_event()
    {
        var (first, second, third) = (TestEvents.Score("g-ab", "t-1", "p-1", 3), TestEvents.Score("g-ab", "t-2", "p-2", 2, clockSeconds: 590),
            TestEvents.Score("g-ab", "t-1", "p-3", 1, clockSeconds: 580));
        await using (var a = await InProcessNode.StartAsync(Journal))
        await using (var b = await InProcessNode.StartAsync(Journal))
        {
            await Process(a, "g-ab", TestEvents.Scheduled("g-ab"), TestEvents.Started("g-ab"), first);
            await Process(b, "g-ab", second);
            // A's incarnation still holds the state before B's row: its write of the next sequence number is refused,
            // it stops, and the next delivery finds a new incarnation that recovered B's row.
            var refused = await a.Games.Ask<object>(new ProcessEvents("g-ab", [third]), Timeout);
            refused.Should().BeOfType<EventsNotPersisted>("the journal refuses a second row with the same sequence number");
            EventsProcessed? applied = null;
            // Each ask is short and the deadline long: an ask that reaches the stopping incarnation is lost with it.
            await Eventually.Until(async () => (applied = await a.Games.Ask<object>(new ProcessEvents("g-ab", [third]), TimeSpan.FromSeconds(5)) as EventsProcessed) is not null,
                TimeSpan.FromSeconds(90), "a new incarnation on A answers");
            // Duplicate when an earlier ask timed out after its write: the fresh recovery below counts the event once either way.
            applied!.Outcomes.Single().Kind.Should().BeOneOf(OutcomeKind.Applied, OutcomeKind.Duplicate);
        }

        await using var fresh = await InProcessNode.StartAsync(Journal);
        var game = await Game(fresh, "g-ab");
        game!.EventsApplied.Should().Be(5, "every row is replayed, B's between A's included");
        game.Score.Should().Equal(new Dictionary<string, int> { ["t-1"] = 4, ["t-2"] = 2 });
        game.Version.Should().Be(3, "one row per delivery: A, B, A");
    }

    [Fact]
    public async Task Events_survive_a_restart_of_the_actor_system_on_a_sqlite_file()
    {
        object? before;
        await using (var node = await InProcessNode.StartAsync(Journal, "basketball.snapshot-every = 4"))
        {
            await Process(node, "g-rt", TestEvents.Scheduled("g-rt"), TestEvents.Started("g-rt"),
                TestEvents.Score("g-rt", "t-1", "p-1", 3), TestEvents.Score("g-rt", "t-2", "p-2", 2, clockSeconds: 590),
                TestEvents.Score("g-rt", "t-1", "p-1", 1, clockSeconds: 580), TestEvents.Score("g-rt", "t-1", "p-3", 2, clockSeconds: 570));
            before = await Game(node, "g-rt");
        }

        await using (var node = await InProcessNode.StartAsync(Journal, "basketball.snapshot-every = 4"))
        {
            var after = await Game(node, "g-rt");
            after.Should().BeEquivalentTo(before);
            after!.EventsApplied.Should().Be(6);
        }
    }

    [Fact]
    public async Task Player_totals_equal_box_scores_after_a_restart_in_the_middle_of_delivering_player_updates()
    {
        var games = Enumerable.Range(1, 6).Select(i => $"g-pl-{i}").ToArray();
        var players = new[] { "p-a", "p-b", "p-c", "p-d" };
        var random = new Random(7);
        await using (var node = await InProcessNode.StartAsync(Journal))
        {
            foreach (var gameId in games)
            {
                var events = new List<EventEnvelope> { TestEvents.Scheduled(gameId), TestEvents.Started(gameId) };
                var clock = 720;
                for (var k = 0; k < 40; k++)
                {
                    clock -= random.Next(1, 15);
                    var player = players[random.Next(players.Length)];
                    events.Add(TestEvents.Score(gameId, player is "p-a" or "p-b" ? "t-1" : "t-2", player, random.Next(1, 4), 1, Math.Max(clock, 0)));
                }
                await Process(node, gameId, events.ToArray());
            }
            // Stop at once: Game → Player lines are still on their way.
        }

        await using (var node = await InProcessNode.StartAsync(Journal, "basketball.entities.redeliver-every = 300ms"))
        {
            var expected = new Dictionary<string, int>();
            foreach (var gameId in games)
            {
                var game = await Game(node, gameId);
                foreach (var (playerId, line) in game!.Players)
                    expected[playerId] = expected.GetValueOrDefault(playerId) + line.Points;
            }

            foreach (var playerId in players)
            {
                await Eventually.Assert(async () =>
                {
                    var reply = await node.Players.Ask<PlayerReply>(new GetPlayer(playerId), Timeout);
                    reply.Player.Should().NotBeNull();
                    reply.Player!.Points.Should().Be(expected[playerId], $"{playerId}'s career points are the sum of its box scores");
                }, TimeSpan.FromSeconds(30));
            }
        }
    }

    [Fact]
    public async Task A_games_deliveries_within_the_flush_interval_cost_each_player_one_line_and_the_totals_stay_exact()
    {
        // Five deliveries, each a score of p-fl: without gathering, five lines and five journal rows of the Player.
        await using var node = await InProcessNode.StartAsync(Journal, "basketball.entities.line-flush-after = 5s");
        await Process(node, "g-fl", TestEvents.Scheduled("g-fl"), TestEvents.Started("g-fl"));
        var points = new[] { 2, 3, 1, 2, 3 };
        for (var i = 0; i < points.Length; i++)
            await Process(node, "g-fl", TestEvents.Score("g-fl", "t-1", "p-fl", points[i], clockSeconds: 700 - i * 10));

        await Eventually.Assert(async () =>
        {
            var reply = await node.Players.Ask<PlayerReply>(new GetPlayer("p-fl"), Timeout);
            reply.Player.Should().NotBeNull();
            reply.Player!.Points.Should().Be(points.Sum(), "the last line holds every score of the game so far");
        }, TimeSpan.FromSeconds(30));

        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_dir.File("basketball.db")}");
        connection.Open();
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM journal WHERE persistence_id = 'player-p-fl' AND manifest = 'pl1'";
        var rows = (long)count.ExecuteScalar()!;
        rows.Should().BeInRange(1, points.Length - 1, "the deliveries of one flush interval reach the Player as one line");
    }

    [Fact]
    public async Task Lines_that_reach_a_player_together_are_persisted_in_fewer_rows_acknowledged_each_and_redelivered_without_effect()
    {
        // 60 games' lines arrive at once (a hot player): gathered, they cost fewer rows than lines, every line is
        // acknowledged with its own sequence, and the totals are the sum of the lines (worked out here, not read back).
        var lines = Enumerable.Range(1, 60).Select(i => new Basketball.Domain.Players.PlayerGameLine(
            $"g-pb-{i}", "p-pb", "t-1", UpdateSeq: i % 7 + 1, Points: 2 * (i % 5 + 1), FreeThrows: 0, FieldGoals: i % 5 + 1, ThreePointers: 0,
            TriggeredByEventId: $"e-pb-{i}", Timestamp: DateTimeOffset.UnixEpoch.AddMinutes(i))).ToList();
        var expectedPoints = lines.Sum(l => l.Points);

        async Task DeliverAll(InProcessNode node)
        {
            var acks = await Task.WhenAll(lines.Select(line => node.Players.Ask<PlayerLineAck>(new DeliverPlayerLine(line), Timeout)));
            acks.Select(a => (a.GameId, a.UpdateSeq)).Should().Equal(lines.Select(l => (l.GameId, l.UpdateSeq)));
            var player = (await node.Players.Ask<PlayerReply>(new GetPlayer("p-pb"), Timeout)).Player!;
            player.Points.Should().Be(expectedPoints);
        }

        await using (var node = await InProcessNode.StartAsync(Journal))
            await DeliverAll(node);
        var rows = PlayerRows("p-pb");
        rows.Values.Sum().Should().BeLessThan(lines.Count, "lines that arrive while a write is in flight share the next row");
        rows.GetValueOrDefault("pb1").Should().BeGreaterThan(0, "at least one row holds several lines (manifest pb1)");

        // After a restart the batch rows recover the same totals, and the same lines again change nothing.
        await using (var node = await InProcessNode.StartAsync(Journal))
            await DeliverAll(node);
        PlayerRows("p-pb").Should().Equal(rows, "a redelivered line is acknowledged without a write");
    }

    private Dictionary<string, long> PlayerRows(string playerId)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_dir.File("basketball.db")}");
        connection.Open();
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT manifest, count(*) FROM journal WHERE persistence_id = @id GROUP BY manifest";
        count.Parameters.AddWithValue("@id", "player-" + playerId);
        using var reader = count.ExecuteReader();
        var rows = new Dictionary<string, long>();
        while (reader.Read())
            rows[reader.GetString(0)] = reader.GetInt64(1);
        return rows;
    }

    private static Task<EventsProcessed> Process(InProcessNode node, string gameId, params EventEnvelope[] events) =>
        node.Games.Ask<EventsProcessed>(new ProcessEvents(gameId, events), Timeout);

    private static async Task<Basketball.Domain.Games.GameProjection?> Game(InProcessNode node, string gameId) =>
        (await node.Games.Ask<GameReply>(new GetGame(gameId), Timeout)).Game;
}
