using System.Text;
using Basketball.Domain;
using Basketball.Domain.Events;
using Basketball.Domain.Players;
using static Basketball.TestSupport.TestEvents;

namespace Basketball.Shards.Tests.Domain;

/// <summary>
/// One table over every SPEC §4.4 reason code that a single event can earn: the parser's (shape) and the
/// entities' (rules). processing_failed needs an entity that keeps failing and is covered by the ingress tests.
/// </summary>
public class EveryReasonCodeTests
{
    private const string Valid = """
        {"eventId":"e-1","aggregateId":"g-1","aggregateType":"Game","eventType":"GameCompleted","eventVersion":"1",
         "timestamp":"2026-03-14T19:30:05Z","metadata":{"correlationId":"c","source":"s"},"eventData":{"gameId":"g-1"}}
        """;

    public static TheoryData<string, Func<RejectionReason>> Cases() => new()
    {
        { "malformed_json", () => Parse("{") },
        { "missing_field", () => Parse(Valid.Replace("\"eventId\":\"e-1\",", "")) },
        { "invalid_value", () => Parse(Valid.Replace("2026-03-14T19:30:05Z", "not-a-time")) },
        { "unknown_event_type", () => Parse(Valid.Replace("GameCompleted", "GameExploded")) },
        { "unknown_aggregate_type", () => Parse(Valid.Replace("\"Game\"", "\"Stadium\"")) },
        { "unsupported_version", () => Parse(Valid.Replace("\"eventVersion\":\"1\"", "\"eventVersion\":\"2\"")) },
        { "too_large", () => Parse(new string(' ', EventParser.MaxRecordBytes + 1)) },
        { "illegal_transition", () => Game(Scheduled("g-r1"), Completed("g-r1")) },
        { "game_not_in_progress", () => Game(Scheduled("g-r2"), Score("g-r2", "t-1", "p-1", 2)) },
        { "unknown_correction_target", () => Game(Scheduled("g-r3"), Started("g-r3"), Correction("g-r3", "nothing")) },
        { "invalid_value", () => Game(Scheduled("g-r4"), Started("g-r4"), Score("g-r4", "t-7", "p-1", 2)) },
        { "invalid_value", () => Player(Registered("p-r1", "t-1"), TeamChanged("p-r1", "t-2", "t-3")) },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_single_event_earns_its_reason_code(string code, Func<RejectionReason> reject) =>
        reject().ToCode().Should().Be(code);

    [Fact]
    public void The_table_covers_every_reason_code_but_processing_failed_and_malformed_aggregate() =>
        // Neither is a property of one event: processing_failed comes from an entity, malformed_aggregate from a
        // broken KPL aggregated Kinesis record (RecordBatchProcessor, tested with the pipeline).
        Cases().Select(row => (string)row[0]).Distinct().Should().BeEquivalentTo(
            RejectionReasonCodes.All.Select(r => r.ToCode()).Where(c => c is not ("processing_failed" or "malformed_aggregate")));

    private static RejectionReason Parse(string json) =>
        ((ParseResult.Invalid)EventParser.Parse(Encoding.UTF8.GetBytes(json))).Rejection.Reason;

    private static RejectionReason Game(params EventEnvelope[] events)
    {
        var game = new GameDriver(events[0].AggregateId);
        var outcomes = game.Send(events);
        outcomes[..^1].Should().OnlyContain(o => o.Kind == OutcomeKind.Applied);
        return outcomes[^1].Rejection!.Reason;
    }

    private static RejectionReason Player(EventEnvelope registration, EventEnvelope evt)
    {
        var state = PlayerState.Initial(registration.AggregateId);
        state = state.Apply(((Decision<IPlayerJournalEvent>.Persist)state.Decide(registration, BasketballSettings.Default)).Event);
        return ((Decision<IPlayerJournalEvent>.Persist)state.Decide(evt, BasketballSettings.Default)).Outcome.Rejection!.Reason;
    }
}
