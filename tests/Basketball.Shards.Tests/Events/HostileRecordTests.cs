using System.Text;
using Basketball.Domain.Events;

namespace Basketball.Shards.Tests.Events;

/// <summary>
/// The corpus of records built to break parsers (<see cref="HostileRecords"/>), each answered as the table says:
/// its reason code and a word of its message, or a valid event of the aggregate it names. None may throw: a thrown
/// parse fails the reader's batch, the next reader reads the same record, and the shard never moves past it.
/// </summary>
public class HostileRecordTests
{
    // Names only: xunit keeps theory rows for discovery, and some records are a megabyte.
    public static TheoryData<string> Corpus() => new(HostileRecords.Corpus.Select(r => r.Name));

    public static TheoryData<string> WrongTypes() => new(HostileRecords.WrongTypes.Select(r => r.Name));

    [Theory]
    [MemberData(nameof(Corpus))]
    public void A_hostile_record_gets_the_answer_the_corpus_gives(string name) => AssertAnswer(HostileRecords.Find(name));

    [Theory]
    [MemberData(nameof(WrongTypes))]
    public void A_field_of_the_wrong_type_is_rejected_naming_the_field(string name) => AssertAnswer(HostileRecords.Find(name));

    [Fact]
    public void The_corpus_covers_every_single_record_reason_of_the_parser_and_some_valid_records()
    {
        var reasons = HostileRecords.Corpus.Concat(HostileRecords.WrongTypes).Select(r => r.Reason).ToHashSet();
        reasons.Should().Contain(["malformed_json", "missing_field", "invalid_value", "too_large", null]);
        HostileRecords.WrongTypes.Should().HaveCountGreaterThan(300, "every field of every event type, with five wrong kinds each");
    }

    [Fact]
    public void A_rejection_never_names_an_id_that_cannot_be_stored()
    {
        var record = HostileRecords.Utf8(HostileRecords.Score.Replace("\"aggregateId\":\"g-1\"", "\"aggregateId\":\"\\ud800\"").Replace("\"e-1\"", "\"e\\u0000\""));
        var invalid = (ParseResult.Invalid)EventParser.Parse(record);
        invalid.Rejection.EventId.Should().BeNull();
        invalid.Rejection.AggregateId.Should().BeNull();
    }

    [Fact]
    public void Text_that_is_merely_unusual_is_kept_exactly()
    {
        // A real surrogate pair (an emoji), accents and a tab in a name are text; only ids refuse control characters.
        var parsed = EventParser.Parse(HostileRecords.Find("an emoji, accents and a tab in a name").Data)
            .Should().BeOfType<ParseResult.Parsed>().Subject.Event;
        ((PlayerRegistered)parsed.Data).Name.Should().Be("Ann \U0001F3C0 Exämple\tJr");
    }

    private static void AssertAnswer(HostileRecord record)
    {
        ParseResult result = null!;
        var parse = () => result = EventParser.Parse(record.Data);
        parse.Should().NotThrow($"'{record.Name}' must be answered, not thrown");

        if (record.IsValid)
        {
            var parsed = result.Should().BeOfType<ParseResult.Parsed>($"'{record.Name}' is a valid event: {(result as ParseResult.Invalid)?.Rejection}").Subject;
            parsed.Event.AggregateId.Should().Be(record.Mentions);
            return;
        }
        var invalid = result.Should().BeOfType<ParseResult.Invalid>($"'{record.Name}' is a bad record").Subject;
        invalid.Rejection.Code.Should().Be(record.Reason, $"'{record.Name}': {invalid.Rejection.Message}");
        invalid.Rejection.Message.Should().Contain(record.Mentions, record.Name);
        invalid.Rejection.Message.Length.Should().BeLessThan(4_000, "a message quotes a hostile value only in part");
    }
}
