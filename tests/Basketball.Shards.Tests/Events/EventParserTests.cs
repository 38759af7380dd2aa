using System.Text;
using System.Text.Json.Nodes;
using Basketball.Domain.Events;
using Basketball.TestSupport;

namespace Basketball.Shards.Tests.Events;

public class EventParserTests
{
    internal const string Score = """
        {"eventId":"e-1","aggregateId":"g-1","aggregateType":"Game","eventType":"ScoreRecorded","eventVersion":"1",
         "timestamp":"2026-03-14T19:30:05Z","metadata":{"correlationId":"c-1","source":"scoreboard"},
         "eventData":{"gameId":"g-1","teamId":"t-1","playerId":"p-7","points":3,"shotType":"three_pointer","gameTime":"07:02","period":2}}
        """;

    internal const string Registration = """
        {"eventId":"e-2","aggregateId":"p-7","aggregateType":"Player","eventType":"PlayerRegistered","eventVersion":"1.0",
         "timestamp":"2026-03-14T19:30:05+01:00","metadata":{"correlationId":"c-1","source":"league"},
         "eventData":{"playerId":"p-7","name":"Ann Example","teamId":"t-1","jerseyNumber":7}}
        """;

    /// <summary>(case, reason, a word the message must contain, the record). Every single-record reason code has rows.</summary>
    public static TheoryData<string, string, string, string> BadRecords()
    {
        var rows = new TheoryData<string, string, string, string>
        {
            { "not json", "malformed_json", "JSON", "{\"eventId\": " },
            { "an array", "malformed_json", "object", "[1,2]" },
            { "a string", "malformed_json", "object", "\"hello\"" },
            { "bad utf-8", "malformed_json", "JSON", "{\"eventId\":\"\u00ff\"}".Replace("\u00ff", "\\udc00") + "x" },
            { "too large", "too_large", "bytes", "{\"pad\":\"" + new string('x', EventParser.MaxRecordBytes) + "\"}" },
            { "unknown aggregate type", "unknown_aggregate_type", "Team", Set(Score, "aggregateType", "Team") },
            { "version 2", "unsupported_version", "2", Set(Score, "eventVersion", "2") },
            { "version 2.1", "unsupported_version", "2.1", Set(Score, "eventVersion", "2.1") },
            { "version text", "invalid_value", "eventVersion", Set(Score, "eventVersion", "latest") },
            { "unknown event type", "unknown_event_type", "ScoreDeleted", Set(Score, "eventType", "ScoreDeleted") },
            { "player event on a game", "unknown_event_type", "PlayerRegistered", Set(Score, "eventType", "PlayerRegistered") },
            { "game event on a player", "unknown_event_type", "GameStarted", Set(Registration, "eventType", "GameStarted") },
            { "points do not match the shot", "invalid_value", "points", Set(Score, "eventData.points", 2) },
            { "unknown shot type", "invalid_value", "shotType", Set(Score, "eventData.shotType", "dunk") },
            { "bad clock", "invalid_value", "gameTime", Set(Score, "eventData.gameTime", "13:00") },
            { "clock seconds", "invalid_value", "gameTime", Set(Score, "eventData.gameTime", "05:61") },
            { "period zero", "invalid_value", "period", Set(Score, "eventData.period", 0) },
            { "points as text", "invalid_value", "points", Set(Score, "eventData.points", "3") },
            { "game id differs", "invalid_value", "gameId", Set(Score, "eventData.gameId", "g-2") },
            { "player id differs", "invalid_value", "playerId", Set(Registration, "eventData.playerId", "p-8") },
            { "timestamp without offset", "invalid_value", "timestamp", Set(Score, "timestamp", "2026-03-14T19:30:05") },
            { "timestamp not a time", "invalid_value", "timestamp", Set(Score, "timestamp", "yesterday") },
            { "empty event id", "invalid_value", "eventId", Set(Score, "eventId", "") },
            { "event id too long", "invalid_value", "eventId", Set(Score, "eventId", new string('e', 129)) },
            { "event id a number", "invalid_value", "eventId", Set(Score, "eventId", 5) },
            { "eventData not an object", "invalid_value", "eventData", Set(Score, "eventData", "x") },
            { "unknown status", "invalid_value", "toStatus", StatusChange("Paused") },
        };
        foreach (var field in new[] { "eventId", "aggregateId", "aggregateType", "eventType", "eventVersion", "eventData", "metadata", "timestamp" })
            rows.Add($"missing {field}", "missing_field", field, Remove(Score, field));
        rows.Add("null eventId", "missing_field", "eventId", Set(Score, "eventId", null));
        foreach (var field in new[] { "correlationId", "source" })
            rows.Add($"missing metadata.{field}", "missing_field", $"metadata.{field}", Remove(Score, $"metadata.{field}"));
        foreach (var field in new[] { "gameId", "teamId", "playerId", "points", "shotType", "gameTime", "period" })
            rows.Add($"missing eventData.{field}", "missing_field", $"eventData.{field}", Remove(Score, $"eventData.{field}"));
        foreach (var field in new[] { "playerId", "name", "teamId" })
            rows.Add($"missing registration {field}", "missing_field", $"eventData.{field}", Remove(Registration, $"eventData.{field}"));
        return rows;
    }

    [Theory]
    [MemberData(nameof(BadRecords))]
    public void A_bad_record_is_rejected_with_its_reason_code_and_a_message_naming_the_problem(string @case, string reason, string mentions, string record)
    {
        var result = EventParser.Parse(Encoding.UTF8.GetBytes(record));

        var invalid = result.Should().BeOfType<ParseResult.Invalid>($"'{@case}' is a bad record").Subject;
        invalid.Rejection.Code.Should().Be(reason, invalid.Rejection.Message);
        invalid.Rejection.Message.Should().Contain(mentions);
    }

    [Fact]
    public void A_rejection_names_the_event_and_aggregate_when_they_could_be_read()
    {
        var result = (ParseResult.Invalid)EventParser.Parse(Encoding.UTF8.GetBytes(Set(Score, "eventData.points", 2)));
        result.Rejection.EventId.Should().Be("e-1");
        result.Rejection.AggregateId.Should().Be("g-1");
    }

    [Fact]
    public void A_valid_score_parses_to_its_typed_event()
    {
        var parsed = EventParser.Parse(Encoding.UTF8.GetBytes(Score)).Should().BeOfType<ParseResult.Parsed>().Subject.Event;
        parsed.AggregateType.Should().Be(AggregateType.Game);
        parsed.Data.Should().Be(new ScoreRecorded("g-1", "t-1", "p-7", 3, ShotType.ThreePointer, 7 * 60 + 2, 2));
        parsed.Metadata.Should().Be(new EventMetadata("c-1", "scoreboard"));
        parsed.Timestamp.Should().Be(new DateTimeOffset(2026, 3, 14, 19, 30, 5, TimeSpan.Zero));
    }

    [Fact]
    public void Version_1_0_a_numeric_jersey_and_unknown_extra_fields_are_accepted()
    {
        var withExtras = Set(Set(Registration, "futureField", "x"), "eventData.nickname", "Annie");
        var parsed = EventParser.Parse(Encoding.UTF8.GetBytes(withExtras)).Should().BeOfType<ParseResult.Parsed>().Subject.Event;
        parsed.EventVersion.Should().Be("1.0");
        parsed.Data.Should().Be(new PlayerRegistered("p-7", "Ann Example", "t-1", null, "7"));
    }

    public static TheoryData<string> EveryEventType() => new(
        "GameScheduled", "GameStarted", "ScoreRecorded", "ScoreCorrected", "GameStatusChanged", "GameCompleted",
        "PlayerRegistered", "PlayerTeamChanged");

    [Theory]
    [MemberData(nameof(EveryEventType))]
    public void Every_event_type_round_trips_through_EventJson(string eventType)
    {
        var original = eventType switch
        {
            "GameScheduled" => TestEvents.Scheduled("g-9"),
            "GameStarted" => TestEvents.Started("g-9"),
            "ScoreRecorded" => TestEvents.Score("g-9", "t-1", "p-1", 2, period: 5, clockSeconds: 61),
            "ScoreCorrected" => TestEvents.Correction("g-9", "e-0"),
            "GameStatusChanged" => TestEvents.Status("g-9", GameStatus.InProgress, GameStatus.Halftime),
            "GameCompleted" => TestEvents.Completed("g-9"),
            "PlayerRegistered" => TestEvents.Registered("p-9", "t-1"),
            _ => TestEvents.TeamChanged("p-9", "t-1", "t-2"),
        };
        var parsed = EventParser.Parse(EventJson.Serialize(original)).Should().BeOfType<ParseResult.Parsed>().Subject.Event;
        parsed.Should().BeEquivalentTo(original, o => o.RespectingRuntimeTypes());
    }

    [Theory]
    [InlineData("00:00", 0)]
    [InlineData("12:00", 720)]
    [InlineData("5:09", 309)]
    [InlineData("07:02", 422)]
    public void Game_clock_text_becomes_seconds_left(string text, int seconds)
    {
        EventParser.TryParseClock(text, out var parsed).Should().BeTrue();
        parsed.Should().Be(seconds);
    }

    internal static string StatusChange(string to) => $$$"""
        {"eventId":"e-3","aggregateId":"g-1","aggregateType":"Game","eventType":"GameStatusChanged","eventVersion":"1",
         "timestamp":"2026-03-14T19:30:05Z","metadata":{"correlationId":"c-1","source":"scoreboard"},
         "eventData":{"gameId":"g-1","fromStatus":"InProgress","toStatus":"{{{to}}}","changedBy":"official"}}
        """;

    internal static string Set(string json, string path, object? value)
    {
        var root = JsonNode.Parse(json)!;
        var (parent, name) = Navigate(root, path);
        parent[name] = value is null ? null : JsonValue.Create(value);
        return root.ToJsonString();
    }

    private static string Remove(string json, string path)
    {
        var root = JsonNode.Parse(json)!;
        var (parent, name) = Navigate(root, path);
        parent.AsObject().Remove(name);
        return root.ToJsonString();
    }

    private static (JsonNode Parent, string Name) Navigate(JsonNode root, string path)
    {
        var parts = path.Split('.');
        var node = root;
        foreach (var part in parts[..^1])
            node = node[part]!;
        return (node, parts[^1]);
    }
}
