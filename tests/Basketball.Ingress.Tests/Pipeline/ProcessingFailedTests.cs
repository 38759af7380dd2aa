using System.Net.Http.Json;
using Basketball.Ingress.Tests.Fixtures;
using Microsoft.Data.Sqlite;

namespace Basketball.Ingress.Tests.Pipeline;

/// <summary>
/// An entity that never answers: its journal holds a row no serializer can read, so every start of the Game fails
/// its recovery and stops (a real fault, no test double). Its events must become processing_failed dead letters
/// after max-delivery-attempts asks with backoff, and the shard must go on with the other games behind it.
/// </summary>
[Collection(KinesaliteCollection.Name)]
public class ProcessingFailedTests(KinesaliteFixture kinesis)
{
    [Fact]
    public async Task A_game_that_cannot_recover_gets_its_events_dead_lettered_after_bounded_retries_and_the_shard_goes_on()
    {
        await using var harness = await PipelineHarness.StartAsync(kinesis, shards: 1,
            hocon: "\nbasketball.ingress { ask-timeout = 400ms, max-delivery-attempts = 3 }\n");
        var good = OrderedScript.Create("pf", games: 2, scoresPerGame: 8, players: 3, teamChanges: 1, seed: 9);
        var poisoned = "pf-poisoned";
        var poisonedEvents = new[] { TestEvents.Scheduled(poisoned), TestEvents.Started(poisoned), TestEvents.Score(poisoned, "t-1", "p-x", 2) };

        var half = good.Events.Count / 2;
        await harness.PutAsync(good.Events.Take(half));
        // The journal table exists once the first events are persisted.
        await Eventually.Until(async () => await harness.GetAsync($"/api/games/{good.Games.Keys.First()}") is not null,
            TimeSpan.FromSeconds(30), "the first game's events are persisted");
        CorruptJournalOf(harness, "game-" + poisoned);
        await harness.PutAsync(poisonedEvents);
        await harness.PutAsync(good.Events.Skip(half));

        await harness.AssertConvergesAsync(good, TimeSpan.FromSeconds(90));
        await Eventually.Assert(async () =>
        {
            var letters = await harness.DeadLettersAsync();
            letters.Select(l => l.GetProperty("eventId").GetString()).Should().BeEquivalentTo(poisonedEvents.Select(e => e.EventId));
            letters.Should().OnlyContain(l => l.GetProperty("reason").GetString() == "processing_failed"
                && l.GetProperty("message").GetString()!.Contains("did not answer after 3 attempts")
                && l.GetProperty("aggregateId").GetString() == poisoned);
        }, TimeSpan.FromSeconds(60));
        // The entity cannot answer a query either: a clear 503 with a JSON error, not a bare 500.
        using var query = await harness.Node.Http.GetAsync($"/api/games/{poisoned}");
        query.StatusCode.Should().Be(System.Net.HttpStatusCode.ServiceUnavailable);
        (await query.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("error").GetString().Should().Be("unavailable");
    }

    /// <summary>A first journal row under a manifest the serializer does not know: recovery throws on it.</summary>
    private static void CorruptJournalOf(PipelineHarness harness, string persistenceId)
    {
        using var connection = new SqliteConnection($"Data Source={harness.Journal["sqlite:".Length..]}");
        connection.Open();
        using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO journal (created, deleted, persistence_id, sequence_number, message, manifest, identifier, writer_uuid, tags)
            VALUES ($created, 0, $id, 1, X'7B7D', 'zz9', 4117, 'test', '')
            """;
        insert.Parameters.AddWithValue("$created", DateTime.UtcNow.Ticks);
        insert.Parameters.AddWithValue("$id", persistenceId);
        insert.ExecuteNonQuery().Should().Be(1);
    }
}
