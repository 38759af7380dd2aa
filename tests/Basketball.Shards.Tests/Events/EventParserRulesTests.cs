// The parser's answers written out whole: each rejection's code and message (the expected text is written here, not
// built from the parser's format strings) and the edges of what it accepts (SPEC §2 and §3). Written for the
// mutation run of EventParser (docs/mutation/README.md): a word of the message, as EventParserTests checks, does
// not tell one wording from another, and the accepted edges (a free throw, period 1, 11:59, exactly 1 MiB, text
// longer than an id) were not parsed by any test.
using System.Text;
using Basketball.Domain.Events;
using static Basketball.Shards.Tests.Events.EventParserTests;

namespace Basketball.Shards.Tests.Events;

public class EventParserRulesTests
{
    private const string Scheduled = """
        {"eventId":"e-3","aggregateId":"g-1","aggregateType":"Game","eventType":"GameScheduled","eventVersion":"1",
         "timestamp":"2026-03-14T19:30:05Z","metadata":{"correlationId":"c-1","source":"league"},
         "eventData":{"gameId":"g-1","homeTeamId":"t-1","awayTeamId":"t-2","scheduledAt":"2026-03-20T19:30:00Z","venue":"Arena"}}
        """;

    private const string BadClock = "is not \"MM:SS\" (00:00 to 12:00)";
    private const string BadVersion = "is not a version number like \"1\" or \"1.0\"";

    /// <summary>(case, the record, its code, its whole message).</summary>
    public static TheoryData<string, string, string, string> Rejections() => new()
    {
        { "null", "null", "malformed_json", "the record must be a JSON object, not null" },
        { "major version 2", Set(Score, "eventVersion", "2"), "unsupported_version", "eventVersion '2' is not supported: major version 1 only" },
        { "a word for a version", Set(Score, "eventVersion", "latest"), "invalid_value", $"eventVersion 'latest' {BadVersion}" },
        { "a minor version that is not a number", Set(Score, "eventVersion", "1.x"), "invalid_value", $"eventVersion '1.x' {BadVersion}" },
        { "a minor version with a letter", Set(Score, "eventVersion", "1.0a"), "invalid_value", $"eventVersion '1.0a' {BadVersion}" },
        { "four parts", Set(Score, "eventVersion", "1.0.0.0"), "invalid_value", $"eventVersion '1.0.0.0' {BadVersion}" },
        { "an unknown status", StatusChange("Paused"), "invalid_value",
            "eventData.toStatus 'Paused' is not one of Scheduled, InProgress, Halftime, Suspended, Completed, Cancelled" },
        { "one digit of seconds", Set(Score, "eventData.gameTime", "05:9"), "invalid_value", $"eventData.gameTime '05:9' {BadClock}" },
        { "three digits of minutes", Set(Score, "eventData.gameTime", "012:00"), "invalid_value", $"eventData.gameTime '012:00' {BadClock}" },
        { "hours", Set(Score, "eventData.gameTime", "05:00:00"), "invalid_value", $"eventData.gameTime '05:00:00' {BadClock}" },
        { "past 12:00", Set(Score, "eventData.gameTime", "12:01"), "invalid_value", $"eventData.gameTime '12:01' {BadClock}" },
        { "a shot type not in the table", Set(Score, "eventData.shotType", "dunk"), "invalid_value",
            "eventData.shotType 'dunk' is not free_throw, field_goal or three_pointer" },
        { "eventData a string", Set(Score, "eventData", "x"), "invalid_value", "eventData must be an object, not a string" },
        { "metadata a number", Set(Score, "metadata", 5), "invalid_value", "metadata must be an object, not a number" },
        { "eventId a boolean", Set(Score, "eventId", true), "invalid_value", "eventId must be a string, not a boolean" },
        { "eventId a number", Set(Score, "eventId", 5), "invalid_value", "eventId must be a string, not a number" },
        { "aggregateType a number", Set(Score, "aggregateType", 5), "invalid_value", "aggregateType must be a string, not a number" },
        { "venue a number", Set(Scheduled, "eventData.venue", 5), "invalid_value", "eventData.venue must be a string, not a number" },
        { "empty aggregateType", Set(Score, "aggregateType", ""), "invalid_value", "aggregateType must not be empty" },
        { "empty correlationId", Set(Score, "metadata.correlationId", ""), "invalid_value", "metadata.correlationId must not be empty" },
        { "a lone surrogate in eventId", Score.Replace("\"e-1\"", "\"\\ud800\""), "invalid_value",
            "eventId is not valid Unicode text (it holds an unpaired surrogate escape)" },
        { "a lone surrogate in the venue", Scheduled.Replace("\"Arena\"", "\"\\udc00\""), "invalid_value",
            "eventData.venue is not valid Unicode text (it holds an unpaired surrogate escape)" },
        { "a name of 1,025 characters", Set(Registration, "eventData.name", new string('n', 1025)), "invalid_value",
            "eventData.name has 1025 characters; at most 1024 are allowed" },
        { "a control character in eventId", Set(Score, "eventId", "e\u0001"), "invalid_value",
            "eventId holds the control character U+0001, which is not allowed in an id" },
        { "a NUL in a name", Set(Registration, "eventData.name", "Ann\u0000"), "invalid_value",
            "eventData.name holds a NUL character, which is not allowed in text" },
        { "the first noncharacter of the block", Set(Score, "eventId", "e\uFDD0"), "invalid_value",
            "eventId holds the invisible or line-breaking character U+FDD0, which is not allowed in an id" },
        { "the last noncharacter of the block", Set(Score, "eventId", "e\uFDEF"), "invalid_value",
            "eventId holds the invisible or line-breaking character U+FDEF, which is not allowed in an id" },
        { "points of 64 digits", Score.Replace("\"points\":3", "\"points\":" + new string('1', 64)), "invalid_value",
            "eventData.points must be a whole number, not " + new string('1', 64) },
        { "points of 65 digits", Score.Replace("\"points\":3", "\"points\":" + new string('1', 65)), "invalid_value",
            "eventData.points must be a whole number, not " + new string('1', 64) + "…" },
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public void A_bad_record_is_rejected_with_its_code_and_exactly_its_message(string @case, string record, string code, string message)
    {
        var invalid = EventParser.Parse(Encoding.UTF8.GetBytes(record)).Should().BeOfType<ParseResult.Invalid>(@case).Subject;
        (invalid.Rejection.Code, invalid.Rejection.Message).Should().Be((code, message), @case);
    }

    [Fact]
    public void A_free_throw_in_period_1_at_11_59_parses()
    {
        var record = Set(Set(Set(Set(Score, "eventData.shotType", "free_throw"), "eventData.points", 1), "eventData.period", 1), "eventData.gameTime", "11:59");
        Parsed(record).Data.Should().Be(new ScoreRecorded("g-1", "t-1", "p-7", 1, ShotType.FreeThrow, 11 * 60 + 59, 1));
    }

    [Fact]
    public void Free_text_is_longer_than_an_id_may_be_and_keeps_what_ids_refuse()
    {
        // Names, positions, jersey numbers and metadata are text up to 1,024 characters; only ids stop at 128 and refuse
        // control and invisible characters.
        var name = new string('n', 1024);
        var position = "guard\t" + new string('p', 200) + "\u200B";
        var jersey = new string('7', 130);
        var record = Set(Set(Set(Registration, "eventData.name", name), "eventData.position", position), "eventData.jerseyNumber", jersey);
        record = Set(record, "metadata.userAgent", "agent\t" + new string('a', 300));
        var parsed = Parsed(record);
        parsed.Data.Should().Be(new PlayerRegistered("p-7", name, "t-1", position, jersey));
        parsed.Metadata.UserAgent.Should().Be("agent\t" + new string('a', 300));
    }

    [Theory]
    [InlineData("e\uFDCF")]
    [InlineData("e\uFDF0")]
    public void The_characters_just_outside_the_noncharacter_block_are_allowed_in_an_id(string eventId) =>
        Parsed(Set(Score, "eventId", eventId)).EventId.Should().Be(eventId);

    [Fact]
    public void A_record_of_exactly_1_MiB_parses_and_one_byte_more_is_too_large_whichever_overload_reads_it()
    {
        // SPEC §2: one record is at most 1 MiB.
        var empty = Encoding.UTF8.GetByteCount(Set(Score, "pad", ""));
        var exactly = Encoding.UTF8.GetBytes(Set(Score, "pad", new string('x', EventParser.MaxRecordBytes - empty)));
        var over = Encoding.UTF8.GetBytes(Set(Score, "pad", new string('x', EventParser.MaxRecordBytes - empty + 1)));
        exactly.Should().HaveCount(1024 * 1024);

        EventParser.Parse(new ReadOnlySpan<byte>(exactly)).Should().BeOfType<ParseResult.Parsed>();
        EventParser.Parse(new ReadOnlyMemory<byte>(exactly)).Should().BeOfType<ParseResult.Parsed>();
        foreach (var result in new[] { EventParser.Parse(new ReadOnlySpan<byte>(over)), EventParser.Parse(new ReadOnlyMemory<byte>(over)) })
        {
            result.Should().BeOfType<ParseResult.Invalid>().Which.Rejection.Should().Be(
                new Rejection(RejectionReason.TooLarge, "the record has 1048577 bytes; at most 1048576 are allowed"));
        }
    }

    [Fact]
    public void A_rejection_does_not_name_an_event_id_that_is_not_fit_for_an_id_but_names_the_aggregate()
    {
        var invalid = (ParseResult.Invalid)EventParser.Parse(Encoding.UTF8.GetBytes(Set(Score, "eventId", "e\u0001")));
        invalid.Rejection.EventId.Should().BeNull();
        invalid.Rejection.AggregateId.Should().Be("g-1");
    }

    [Fact]
    public void A_lone_surrogate_in_a_property_name_is_malformed_json_saying_so()
    {
        var record = Score.Replace("\"eventId\"", "\"\\ud800\":1,\"eventId\"");
        var invalid = EventParser.Parse(Encoding.UTF8.GetBytes(record)).Should().BeOfType<ParseResult.Invalid>().Subject;
        invalid.Rejection.Code.Should().Be("malformed_json");
        // The part in brackets is the runtime's own message.
        invalid.Rejection.Message.Should().StartWith("the record is not valid JSON text: a property name holds an unpaired surrogate escape (");
    }

    [Theory]
    [InlineData("", "it is empty")]
    [InlineData("g\u0000", "it holds a NUL character")]
    [InlineData("g\u0007", "it holds the control character U+0007")]
    [InlineData("g\u200Bh", "it holds the invisible or line-breaking character U+200B")]
    [InlineData("g\u2028", "it holds the invisible or line-breaking character U+2028")]
    public void IdProblem_says_why_a_path_id_cannot_be_an_id(string id, string problem) =>
        EventParser.IdProblem(id).Should().Be(problem);

    [Fact]
    public void IdProblem_takes_1_to_128_characters()
    {
        EventParser.IdProblem("g").Should().BeNull();
        EventParser.IdProblem(new string('g', 128)).Should().BeNull();
        EventParser.IdProblem(new string('g', 129)).Should().Be("it has 129 characters; at most 128 are allowed");
    }

    private static EventEnvelope Parsed(string record) =>
        EventParser.Parse(Encoding.UTF8.GetBytes(record)).Should().BeOfType<ParseResult.Parsed>().Subject.Event;
}
