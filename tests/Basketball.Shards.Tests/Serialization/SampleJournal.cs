// One instance of every persisted type, with every field set, for the serializer tests and the v1 payloads.
using System.Collections.Immutable;
using Basketball.Domain.Events;
using Basketball.Domain.Games;
using Basketball.Domain.Milestones;
using Basketball.Domain.Players;

namespace Basketball.Shards.Tests.Serialization;

internal static class SampleJournal
{
    private static readonly DateTimeOffset At = new(2026, 3, 14, 19, 30, 5, TimeSpan.FromHours(-5));

    private static readonly EventMetadata Metadata = new("corr-1", "scoreboard", "cause-1", "u-9", "agent/1.0", "10.0.0.7");

    public static EventEnvelope Envelope(IEventData data, string eventId = "e-1", string aggregateId = "g-1") => new(
        eventId, aggregateId, data is IPlayerEventData ? AggregateType.Player : AggregateType.Game,
        data.GetType().Name, "1", At, Metadata, data);

    public static Milestone Milestone => new(
        Milestone.IdOf("g-1", MilestoneRuleNames.PlayerPointsInGame, "p-7", 30, 1), MilestoneRuleNames.PlayerPointsInGame,
        "g-1", "Game", "p-7", 30, 31, 1, false, "g-1", "e-1", At);

    public static PlayerGameLine Line => new("g-1", "p-7", "t-1", 12, 31, 5, 7, 4, "e-1", At);

    /// <summary>Every journal event type, keyed by a stable name used for the checked-in payload files.</summary>
    public static IReadOnlyDictionary<string, object> JournalEvents { get; } = new Dictionary<string, object>
    {
        ["GameEventApplied.GameScheduled"] = new GameEventApplied(Envelope(new GameScheduled("g-1", "t-1", "t-2", At.AddDays(1), "Arena")), []),
        ["GameEventApplied.GameStarted"] = new GameEventApplied(Envelope(new GameStarted("g-1", "t-1", "t-2")), []),
        ["GameEventApplied.ScoreRecorded"] = new GameEventApplied(
            Envelope(new ScoreRecorded("g-1", "t-1", "p-7", 3, ShotType.ThreePointer, 422, 2)), [Milestone]),
        ["GameEventApplied.ScoreCorrected"] = new GameEventApplied(Envelope(new ScoreCorrected("g-1", "e-0", "wrong player")), []),
        ["GameEventApplied.GameStatusChanged"] = new GameEventApplied(
            Envelope(new GameStatusChanged("g-1", GameStatus.InProgress, GameStatus.Halftime, "official", "half")), []),
        ["GameEventApplied.GameCompleted"] = new GameEventApplied(Envelope(new GameCompleted("g-1")), []),
        ["GameEventRejected"] = new GameEventRejected("e-2", RejectionReason.GameNotInProgress, "game g-1 is Halftime"),
        // gb1: one delivery's events in one row, applied and rejected in their order.
        ["GameEventBatch"] = new GameEventBatch([
            new GameEventApplied(Envelope(new ScoreRecorded("g-1", "t-1", "p-7", 3, ShotType.ThreePointer, 422, 2)), [Milestone]),
            new GameEventRejected("e-2", RejectionReason.GameNotInProgress, "game g-1 is Halftime"),
            new GameEventApplied(Envelope(new ScoreRecorded("g-1", "t-2", "p-9", 1, ShotType.FreeThrow, 400, 2), eventId: "e-3"), []),
        ]),
        ["PlayerEventApplied.PlayerRegistered"] = new PlayerEventApplied(
            Envelope(new PlayerRegistered("p-7", "Ann Example", "t-1", "G", "7"), aggregateId: "p-7")),
        ["PlayerEventApplied.PlayerTeamChanged"] = new PlayerEventApplied(
            Envelope(new PlayerTeamChanged("p-7", "t-1", "t-2"), aggregateId: "p-7")),
        ["PlayerEventRejected"] = new PlayerEventRejected("e-3", RejectionReason.InvalidValue, "p-7 is on t-1, not t-3"),
        ["PlayerGameLineApplied"] = new PlayerGameLineApplied(Line, [Milestone with { Rule = MilestoneRuleNames.CareerPoints, AggregateType = "Player" }]),
        // pb1: one Player flush's lines in one row, in the order they were decided.
        ["PlayerLineBatch"] = new PlayerLineBatch([
            new PlayerGameLineApplied(Line, [Milestone with { Rule = MilestoneRuleNames.CareerPoints, AggregateType = "Player" }]),
            new PlayerGameLineApplied(Line with { GameId = "g-2", UpdateSeq = 3, Points = 2, TriggeredByEventId = "e-9" }, []),
        ]),
    };
}
