using System.Text;
using Basketball.Domain.Events;

namespace Basketball.Shards.Tests.Events;

/// <summary>
/// Records built to break parsers. Each one's answer is written down by hand (the oracle is this table, not the
/// parser): the reason code and a word its message must hold. None may throw: a thrown parse fails the reader's
/// batch, the next reader reads the same record, and the shard never moves past it.
/// </summary>
public class HostileRecordTests
{
    private const string Valid = EventParserTests.Score;
    private const string Registration = EventParserTests.Registration;

    /// <summary>(case, reason, a word the message must contain, the record's bytes).</summary>
    public static TheoryData<string, string, string, byte[]> Corpus()
    {
        var rows = new TheoryData<string, string, string, byte[]>
        {
            // The defect found by a hostile producer: GetString threw InvalidOperationException on this.
            { "lone high surrogate in aggregateId", "invalid_value", "aggregateId", Text(Valid.Replace("\"aggregateId\":\"g-1\"", "\"aggregateId\":\"\\ud800\"")) },
            { "lone low surrogate in eventId", "invalid_value", "eventId", Text(Valid.Replace("\"e-1\"", "\"e\\udc00\"")) },
            { "reversed surrogate pair in teamId", "invalid_value", "eventData.teamId", Text(Valid.Replace("\"t-1\"", "\"\\udc00\\ud800\"")) },
            { "lone surrogate in a name", "invalid_value", "eventData.name", Text(Registration.Replace("Ann Example", "Ann\\ud83d")) },
            { "lone surrogate in metadata", "invalid_value", "metadata.source", Text(Valid.Replace("scoreboard", "\\udfff")) },
            { "NUL escape in an id", "invalid_value", "NUL", Text(Valid.Replace("\"g-1\",\"teamId\"", "\"g\\u0000\",\"teamId\"").Replace("\"aggregateId\":\"g-1\"", "\"aggregateId\":\"g\\u0000\"")) },
            { "NUL escape in a name", "invalid_value", "NUL", Text(Registration.Replace("Ann Example", "Ann\\u0000")) },
            { "control character in an id", "invalid_value", "U+001B", Text(Valid.Replace("\"p-7\"", "\"p\\u001b7\"")) },
            { "raw NUL byte", "malformed_json", "JSON", Text(Valid.Replace("\"e-1\"", "\"e-1\"\0")) },
            { "raw NUL inside a string", "malformed_json", "JSON", Text(Valid.Replace("\"e-1\"", "\"e\0-1\"")) },
            { "not UTF-8", "malformed_json", "JSON", [.. Encoding.UTF8.GetBytes(Valid[..20]), 0xFF, 0xFE, 0xC0, 0x80, .. Encoding.UTF8.GetBytes(Valid[20..])] },
            { "overlong UTF-8 in a string", "malformed_json", "JSON", Bytes(Valid.Replace("e-1", "e\u0001"), 0x01, [0xC0, 0x81]) },
            { "a byte-order mark", "malformed_json", "JSON", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Valid)] },
            { "UTF-16 instead of UTF-8", "malformed_json", "JSON", Encoding.Unicode.GetBytes(Valid) },
            { "100k-deep nesting", "malformed_json", "depth", Text(new string('[', 100_000) + new string(']', 100_000)) },
            { "deep nesting inside eventData", "malformed_json", "depth", Text(Valid.Replace("\"period\":2", "\"x\":" + new string('[', 64) + new string(']', 64) + ",\"period\":2")) },
            { "a 900 KB id", "invalid_value", "aggregateId", Text(Valid.Replace("\"aggregateId\":\"g-1\"", $"\"aggregateId\":\"{new string('g', 900 * 1024)}\"")) },
            { "a 900 KB venue", "invalid_value", "eventData.venue", Text(Scheduled("\"venue\":\"" + new string('v', 900 * 1024) + "\"")) },
            { "1e309 points", "invalid_value", "points", Text(Valid.Replace("\"points\":3", "\"points\":1e309")) },
            { "a 10,000-digit period", "invalid_value", "period", Text(Valid.Replace("\"period\":2", "\"period\":" + new string('9', 10_000))) },
            { "points 3.0", "invalid_value", "points", Text(Valid.Replace("\"points\":3", "\"points\":3.0")) },
            { "duplicate aggregateId", "malformed_json", "JSON", Text(Valid.Replace("\"aggregateId\":\"g-1\"", "\"aggregateId\":\"g-1\",\"aggregateId\":\"g-2\"")) },
            { "duplicate key in eventData", "malformed_json", "JSON", Text(Valid.Replace("\"points\":3", "\"points\":3,\"points\":2")) },
            { "20,000 keys and no envelope", "missing_field", "eventId", Text("{" + string.Join(",", Enumerable.Range(0, 20_000).Select(i => $"\"k{i}\":{i}")) + "}") },
            { "truncated", "malformed_json", "JSON", Text(Valid[..(Valid.Length / 2)]) },
            { "empty", "malformed_json", "JSON", [] },
            { "only whitespace", "malformed_json", "JSON", Text("  \n\t ") },
            { "null", "malformed_json", "object", Text("null") },
            { "a number", "malformed_json", "object", Text("1e309") },
            { "trailing garbage", "malformed_json", "JSON", Text(Valid + "{}") },
            { "a comment", "malformed_json", "JSON", Text("/* hi */" + Valid) },
            { "single quotes", "malformed_json", "JSON", Text(Valid.Replace('"', '\'')) },
            { "a jersey number of 40 digits", "invalid_value", "jerseyNumber", Text(Registration.Replace("\"jerseyNumber\":7", "\"jerseyNumber\":" + new string('7', 40))) },
            { "an object as the id", "invalid_value", "eventId", Text(Valid.Replace("\"e-1\"", "{\"a\":1}")) },
            { "over the size limit", "too_large", "bytes", new byte[EventParser.MaxRecordBytes + 1] },
        };
        return rows;
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public void A_hostile_record_gets_its_reason_and_never_an_exception(string @case, string reason, string mentions, byte[] record)
    {
        ParseResult result = null!;
        var parse = () => result = EventParser.Parse(record);
        parse.Should().NotThrow($"'{@case}' must be answered, not thrown");

        var invalid = result.Should().BeOfType<ParseResult.Invalid>($"'{@case}' is a bad record").Subject;
        invalid.Rejection.Code.Should().Be(reason, invalid.Rejection.Message);
        invalid.Rejection.Message.Should().Contain(mentions);
        invalid.Rejection.Message.Length.Should().BeLessThan(4_000, "a message quotes a hostile value only in part");
    }

    [Fact]
    public void A_rejection_never_names_an_id_that_cannot_be_stored()
    {
        var record = Text(Valid.Replace("\"aggregateId\":\"g-1\"", "\"aggregateId\":\"\\ud800\"").Replace("\"e-1\"", "\"e\\u0000\""));
        var invalid = (ParseResult.Invalid)EventParser.Parse(record);
        invalid.Rejection.EventId.Should().BeNull();
        invalid.Rejection.AggregateId.Should().BeNull();
    }

    [Fact]
    public void Text_that_is_merely_unusual_is_accepted()
    {
        // A real surrogate pair (an emoji), accents and a tab in a name are text; only ids refuse control characters.
        var record = Text(Registration.Replace("Ann Example", "Ann \\ud83c\\udfc0 Ex\\u00e4mple\\tJr"));
        var parsed = EventParser.Parse(record).Should().BeOfType<ParseResult.Parsed>().Subject.Event;
        ((PlayerRegistered)parsed.Data).Name.Should().Be("Ann \U0001F3C0 Exämple\tJr");
    }

    private static string Scheduled(string extra) => $$$"""
        {"eventId":"e-0","aggregateId":"g-1","aggregateType":"Game","eventType":"GameScheduled","eventVersion":"1",
         "timestamp":"2026-03-14T19:30:05Z","metadata":{"correlationId":"c-1","source":"league"},
         "eventData":{"gameId":"g-1","homeTeamId":"t-1","awayTeamId":"t-2","scheduledAt":"2026-03-14T19:30:00Z",{{{extra}}}}}
        """;

    private static byte[] Text(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>The UTF-8 of <paramref name="text"/> with each <paramref name="marker"/> byte replaced by <paramref name="replacement"/>.</summary>
    private static byte[] Bytes(string text, byte marker, byte[] replacement) =>
        Encoding.UTF8.GetBytes(text).SelectMany(b => b == marker ? replacement : [b]).ToArray();
}
