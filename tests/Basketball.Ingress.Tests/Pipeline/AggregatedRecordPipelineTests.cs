using System.Text;
using Basketball.Domain.Events;
using Basketball.Ingress.Tests.Fixtures;
using Basketball.Kinesis;

namespace Basketball.Ingress.Tests.Pipeline;

/// <summary>KPL aggregated records read by a node: user records applied in order, bad ones dead-lettered alone.</summary>
[Collection(KinesaliteCollection.Name)]
public class AggregatedRecordPipelineTests(KinesaliteFixture kinesis)
{
    [Fact]
    public async Task Bad_user_records_inside_a_good_aggregate_are_dead_letters_of_their_own_and_a_corrupt_aggregate_is_one_malformed_aggregate()
    {
        await using var harness = await PipelineHarness.StartAsync(kinesis, shards: 1);
        var gameId = $"g-kpl-{Guid.NewGuid():N}"[..16];
        var badJson = Encoding.UTF8.GetBytes("{\"eventId\": \"broken\", ");
        var missingField = Encoding.UTF8.GetBytes(
            "{\"eventId\":\"no-type\",\"aggregateId\":\"" + gameId + "\",\"aggregateType\":\"Game\",\"eventVersion\":\"1\"," +
            "\"timestamp\":\"2026-10-20T19:00:00Z\",\"metadata\":{\"correlationId\":\"c\",\"source\":\"t\"}}");
        // A player's registration in the same aggregate (another partition key in the table) goes to its own entity.
        var playerId = $"p-kpl-{Guid.NewGuid():N}"[..16];
        var good = KplAggregate.Write(
        [
            (gameId, EventJson.Serialize(TestEvents.Started(gameId))),
            (gameId, EventJson.Serialize(TestEvents.Score(gameId, "t-1", "p-1", 3, clockSeconds: 700))),
            (gameId, badJson),
            (playerId, EventJson.Serialize(TestEvents.Registered(playerId, "t-1"))),
            (gameId, EventJson.Serialize(TestEvents.Score(gameId, "t-2", "p-2", 2, clockSeconds: 650))),
            (gameId, missingField),
        ]);
        var corrupt = KplAggregate.Write([(gameId, EventJson.Serialize(TestEvents.Score(gameId, "t-1", "p-1", 2, clockSeconds: 600)))]);
        corrupt[10] ^= 0x55; // a protobuf byte: the MD5 no longer matches

        await harness.PutRawAsync([(gameId, good), (gameId, corrupt)]);

        await Eventually.Assert(async () =>
        {
            var game = (await harness.GetAsync($"/api/games/{gameId}"))!.Value;
            game.GetProperty("score").GetProperty("t-1").GetInt32().Should().Be(3);
            game.GetProperty("score").GetProperty("t-2").GetInt32().Should().Be(2, "the user record after a bad one is applied");
            (await harness.GetAsync($"/api/players/{playerId}")).Should().NotBeNull("the other key's user record reached its entity");
            (await harness.DeadLettersAsync()).Should().HaveCount(3);
        }, TimeSpan.FromSeconds(30));

        var letters = (await harness.DeadLettersAsync()).OrderBy(l => l.GetProperty("reason").GetString()).ToList();
        letters.Select(l => l.GetProperty("reason").GetString()).Should().Equal("malformed_aggregate", "malformed_json", "missing_field");
        var sequence = letters[1].GetProperty("sequenceNumber").GetString();
        letters[2].GetProperty("sequenceNumber").GetString().Should().Be(sequence, "both come from the same Kinesis record");
        letters[1].GetProperty("subSequenceNumber").GetInt32().Should().Be(2);
        letters[2].GetProperty("subSequenceNumber").GetInt32().Should().Be(5);
        letters[1].GetProperty("data").GetBytesFromBase64().Should().Equal(badJson, "a user record's letter keeps the user record's own bytes");
        letters[2].GetProperty("data").GetBytesFromBase64().Should().Equal(missingField);
        letters[1].GetProperty("partitionKey").GetString().Should().Be(gameId);
        letters[0].GetProperty("data").GetBytesFromBase64().Should().Equal(corrupt, "a broken aggregate's letter keeps the whole Kinesis record");
        letters[0].TryGetProperty("subSequenceNumber", out _).Should().BeFalse();
        letters[0].GetProperty("message").GetString().Should().Contain("MD5");
    }
}
