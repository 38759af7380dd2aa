// The order records are sent in: registrations first, then the games interleaved as if they were played at
// the same time (each game's own order kept), plus optional faults: malformed records, duplicate sends, and
// corrupt KPL aggregated records.
using System.Text;
using Basketball.Domain.Events;

namespace Basketball.Simulator;

/// <param name="ExpectedRejection">The reason code a malformed record must be dead-lettered with; null for a good one.</param>
public sealed record SimulatedRecord(string PartitionKey, byte[] Data, EventEnvelope? Event, string? ExpectedRejection);

public static class SendPlan
{
    public static IReadOnlyList<SimulatedRecord> Create(Season season, int seed, int malformed = 0, int duplicates = 0, int corruptAggregates = 0)
    {
        var random = new Random(seed + 1);
        var records = season.Registrations.Select(Good).ToList();
        var cursors = season.Games.Select(g => (Game: g, Next: 0)).ToList();
        while (cursors.Count > 0)
        {
            var i = random.Next(cursors.Count);
            var (game, next) = cursors[i];
            records.Add(Good(game.Events[next]));
            if (next + 1 == game.Events.Count)
                cursors.RemoveAt(i);
            else
                cursors[i] = (game, next + 1);
        }

        // A repeat of an earlier record, later in the stream: the same eventId and bytes (a producer retry).
        for (var d = 0; d < duplicates && records.Count > 1; d++)
        {
            var at = random.Next(1, records.Count);
            var original = records[random.Next(at)];
            records.Insert(at, original);
        }
        for (var m = 0; m < malformed; m++)
        {
            var bad = Malformed(m, season.Games.Count > 0 ? season.Games[m % season.Games.Count].GameId : "g-none");
            records.Insert(random.Next(records.Count + 1), bad);
        }
        for (var c = 0; c < corruptAggregates && season.Games.Count > 0; c++)
            records.Insert(random.Next(records.Count + 1), CorruptAggregate(c, season.Games[c % season.Games.Count]));
        return records;
    }

    /// <summary>
    /// A KPL aggregated record whose MD5 trailer is wrong, holding two new scores of a game (fresh event ids): a
    /// consumer that applied it anyway would change that game, so only one malformed_aggregate dead letter is right.
    /// Its partition key is its own, so the producer never packs it into another aggregate.
    /// </summary>
    public static SimulatedRecord CorruptAggregate(int index, SimGame game)
    {
        var scores = game.Events.Where(e => e.Data is ScoreRecorded).Take(2)
            .Select(e => (e.AggregateId, (ReadOnlyMemory<byte>)EventJson.Serialize(e with { EventId = $"{e.EventId}-corrupt-{index}" }))).ToList();
        var aggregate = Basketball.Kinesis.KplAggregate.Write(scores);
        aggregate[^1] ^= 0xFF;
        return new SimulatedRecord($"corrupt-aggregate-{index}", aggregate, null, "malformed_aggregate");
    }

    private static SimulatedRecord Good(EventEnvelope evt) => new(evt.AggregateId, EventJson.Serialize(evt), evt, null);

    /// <summary>One malformed record per reason code the parser gives, in turn.</summary>
    public static SimulatedRecord Malformed(int index, string gameId)
    {
        const string envelope = """
            "aggregateType":"Game","eventVersion":"1","timestamp":"2026-10-20T19:00:00Z","metadata":{"correlationId":"c","source":"simulator"}
            """;
        var (reason, json) = (index % 6) switch
        {
            0 => ("malformed_json", "{\"eventId\": \"bad-" + index + "\", "),
            1 => ("missing_field", $$$"""{"eventId":"bad-{{{index}}}","aggregateId":"{{{gameId}}}",{{{envelope}}},"eventType":"GameCompleted"}"""),
            2 => ("invalid_value", $$$"""{"eventId":"bad-{{{index}}}","aggregateId":"{{{gameId}}}",{{{envelope}}},"eventType":"ScoreRecorded","eventData":{"gameId":"{{{gameId}}}","teamId":"t","playerId":"p","points":4,"shotType":"three_pointer","gameTime":"01:00","period":1}}"""),
            3 => ("unknown_event_type", $$$"""{"eventId":"bad-{{{index}}}","aggregateId":"{{{gameId}}}",{{{envelope}}},"eventType":"GameDelayedByRain","eventData":{"gameId":"{{{gameId}}}"}}"""),
            4 => ("unknown_aggregate_type", $$$"""{"eventId":"bad-{{{index}}}","aggregateId":"{{{gameId}}}",{{{envelope.Replace("\"Game\"", "\"Referee\"")}}},"eventType":"GameCompleted","eventData":{"gameId":"{{{gameId}}}"}}"""),
            _ => ("unsupported_version", $$$"""{"eventId":"bad-{{{index}}}","aggregateId":"{{{gameId}}}",{{{envelope.Replace("\"eventVersion\":\"1\"", "\"eventVersion\":\"3\"")}}},"eventType":"GameCompleted","eventData":{"gameId":"{{{gameId}}}"}}"""),
        };
        return new SimulatedRecord(gameId, Encoding.UTF8.GetBytes(json), null, reason);
    }
}
