using System.Text.Json;
using Akka.Actor;
using Basketball.Domain.Events;
using Basketball.Replay;
using Basketball.Shards.Entities;
using Basketball.Storage;
using static Basketball.TestSupport.TestEvents;

namespace Basketball.Cluster.Tests.Replay;

public class JournalReplayTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Replay_equals_the_live_state_and_to_seq_and_as_of_equal_the_state_captured_at_that_point()
    {
        using var directory = new TempDirectory();
        var file = directory.File("b.db");
        await using var node = await InProcessNode.StartAsync($"sqlite:{file}");
        var batches = new[]
        {
            new[] { Scheduled("g-rp"), Started("g-rp"), Score("g-rp", "t-1", "p-1", 3) },
            new[] { Score("g-rp", "t-2", "p-2", 2, clockSeconds: 500), Score("g-rp", "t-1", "p-1", 2, clockSeconds: 450) },
            new[] { Score("g-rp", "t-2", "p-3", 3, clockSeconds: 300), Completed("g-rp") },
        };
        var captured = new List<(string Projection, long Version, DateTimeOffset At)>();
        foreach (var batch in batches)
        {
            await node.Games.Ask<EventsProcessed>(new ProcessEvents("g-rp", batch), Timeout);
            var game = (await node.Games.Ask<GameReply>(new GetGame("g-rp"), Timeout)).Game!;
            captured.Add((JsonSerializer.Serialize(game, Json), game.Version, DateTimeOffset.UtcNow));
        }

        await using var replay = JournalReplay.Open(DatabaseTarget.Parse($"sqlite:{file}"));
        var live = await node.Http.GetStringAsync("/api/games/g-rp");
        var full = await replay.ReplayAsync("game-g-rp");
        JsonSerializer.Serialize(full!.Projection, full.Projection.GetType(), Json).Should().Be(live);

        foreach (var (projection, version, at) in captured)
        {
            var bySeq = await replay.ReplayAsync("game-g-rp", toSequenceNr: version);
            JsonSerializer.Serialize(bySeq!.Projection, bySeq.Projection.GetType(), Json).Should().Be(projection, $"--to-seq {version}");
            var byTime = await replay.ReplayAsync("game-g-rp", asOf: at);
            JsonSerializer.Serialize(byTime!.Projection, byTime.Projection.GetType(), Json).Should().Be(projection, $"--as-of {at:O}");
        }
        (await replay.ReplayAsync("game-nothing")).Should().BeNull();
    }

    [Fact]
    public async Task Verify_reports_nothing_on_a_healthy_entity_and_the_difference_when_the_journal_was_tampered_with()
    {
        using var directory = new TempDirectory();
        var file = directory.File("b.db");
        await using var node = await InProcessNode.StartAsync($"sqlite:{file}");
        // Two deliveries, two journal rows: a batch (gb1) of three events, then the last score alone.
        await node.Games.Ask<EventsProcessed>(new ProcessEvents("g-vf",
            [Scheduled("g-vf"), Started("g-vf"), Score("g-vf", "t-1", "p-1", 3)]), Timeout);
        await node.Games.Ask<EventsProcessed>(new ProcessEvents("g-vf", [Score("g-vf", "t-1", "p-1", 2, clockSeconds: 400)]), Timeout);
        await using var replay = JournalReplay.Open(DatabaseTarget.Parse($"sqlite:{file}"));

        async Task<IReadOnlyList<string>> VerifyAsync()
        {
            var live = JsonDocument.Parse(await node.Http.GetStringAsync("/api/games/g-vf")).RootElement;
            var replayed = await replay.ReplayAsync("game-g-vf");
            var element = JsonSerializer.SerializeToElement(replayed!.Projection, replayed.Projection.GetType(), Json);
            return JournalReplay.Differences(live, element);
        }

        (await VerifyAsync()).Should().BeEmpty();

        // Tamper: the journal loses the entity's last event (the live entity still has it in memory).
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file}"))
        {
            connection.Open();
            using var delete = connection.CreateCommand();
            delete.CommandText = "DELETE FROM journal WHERE persistence_id = 'game-g-vf' AND sequence_number = " +
                                 "(SELECT MAX(sequence_number) FROM journal WHERE persistence_id = 'game-g-vf')";
            delete.ExecuteNonQuery().Should().Be(1);
        }

        var differences = await VerifyAsync();
        differences.Should().Contain(d => d.StartsWith("score.t-1: 5 ≠ 3"));
        differences.Should().Contain(d => d.StartsWith("eventsApplied: 4 ≠ 3"));
    }
}
