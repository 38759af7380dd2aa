// The rules of SPEC §3 as GameState answers them, each rejection whole: its reason, its message (written out here,
// not built from the product's format strings), the event and the game it names. Written for the mutation run
// of GameState (docs/mutation/README.md).
using Basketball.Domain;
using Basketball.Domain.Events;
using Basketball.Domain.Games;
using Basketball.Domain.Players;
using static Basketball.TestSupport.TestEvents;

namespace Basketball.Shards.Tests.Domain;

public class GameStateRulesTests
{
    private const string Id = "g-rule";
    private static readonly DateTimeOffset CompletedTime = new(2026, 2, 1, 21, 0, 0, TimeSpan.Zero);
    private static readonly BasketballSettings OneHourGrace = BasketballSettings.Default with { CorrectionGracePeriod = TimeSpan.FromHours(1) };

    /// <summary>(case, the events before, the event, the reason, the message).</summary>
    public static TheoryData<string, Func<EventEnvelope[]>, Func<EventEnvelope>, RejectionReason, string> Rejections() => new()
    {
        { "scheduled twice", () => [Scheduled(Id)], () => Scheduled(Id),
            RejectionReason.IllegalTransition, "game g-rule is already Scheduled; it cannot be scheduled again" },
        { "scheduled while in progress", () => [Started(Id)], () => Scheduled(Id),
            RejectionReason.IllegalTransition, "game g-rule is already InProgress; it cannot be scheduled again" },
        { "scheduled with one team twice", () => [], () => Scheduled(Id, "t-1", "t-1"),
            RejectionReason.InvalidValue, "a game needs two different teams, not t-1 twice" },
        { "started with one team twice", () => [], () => Started(Id, "t-4", "t-4"),
            RejectionReason.InvalidValue, "a game needs two different teams, not t-4 twice" },
        { "started twice", () => [Started(Id)], () => Started(Id),
            RejectionReason.IllegalTransition, "game g-rule is InProgress; GameStarted needs Scheduled" },
        { "started with another home team", () => [Scheduled(Id)], () => Started(Id, "t-3", "t-2"),
            RejectionReason.InvalidValue, "game g-rule was scheduled as t-1 vs t-2, not t-3 vs t-2" },
        { "started with another away team", () => [Scheduled(Id)], () => Started(Id, "t-1", "t-3"),
            RejectionReason.InvalidValue, "game g-rule was scheduled as t-1 vs t-2, not t-1 vs t-3" },
        { "started with the teams swapped", () => [Scheduled(Id)], () => Started(Id, "t-2", "t-1"),
            RejectionReason.InvalidValue, "game g-rule was scheduled as t-1 vs t-2, not t-2 vs t-1" },
        { "status change of no game", () => [], () => Status(Id, GameStatus.Scheduled, GameStatus.InProgress),
            RejectionReason.IllegalTransition, "game g-rule does not exist; schedule or start it first" },
        { "status change from another status", () => [Started(Id)], () => Status(Id, GameStatus.Halftime, GameStatus.InProgress),
            RejectionReason.IllegalTransition, "game g-rule is InProgress, not Halftime" },
        { "status change the machine forbids", () => [Scheduled(Id)], () => Status(Id, GameStatus.Scheduled, GameStatus.Completed),
            RejectionReason.IllegalTransition, "a game cannot go from Scheduled to Completed" },
        { "completed before it started", () => [Scheduled(Id)], () => Completed(Id),
            RejectionReason.IllegalTransition, "game g-rule is Scheduled; GameCompleted needs InProgress" },
        { "completed without a game", () => [], () => Completed(Id),
            RejectionReason.IllegalTransition, "game g-rule is not scheduled; GameCompleted needs InProgress" },
        { "score at halftime", () => [Started(Id), Status(Id, GameStatus.InProgress, GameStatus.Halftime)], () => Score(Id, "t-1", "p-1", 2),
            RejectionReason.GameNotInProgress, "game g-rule is Halftime; scores are accepted only while InProgress" },
        { "score without a game", () => [], () => Score(Id, "t-1", "p-1", 2),
            RejectionReason.GameNotInProgress, "game g-rule is not scheduled; scores are accepted only while InProgress" },
        { "score of a team not in the game", () => [Started(Id)], () => Score(Id, "t-9", "p-1", 2),
            RejectionReason.InvalidValue, "team t-9 does not play in game g-rule (t-1 vs t-2)" },
        { "correction of a score never applied", () => [Started(Id)], () => Correction(Id, "e-none"),
            RejectionReason.UnknownCorrectionTarget, "game g-rule never applied a score e-none" },
        { "correction of a corrected score", () => [Started(Id), Score(Id, "t-1", "p-1", 2, eventId: "e-twice"), Correction(Id, "e-twice")],
            () => Correction(Id, "e-twice"),
            RejectionReason.UnknownCorrectionTarget, "score e-twice of game g-rule was already corrected" },
        { "correction in a cancelled game", () =>
            [
                Started(Id), Score(Id, "t-1", "p-1", 2, eventId: "e-cancelled"),
                Status(Id, GameStatus.InProgress, GameStatus.Suspended), Status(Id, GameStatus.Suspended, GameStatus.Cancelled),
            ],
            () => Correction(Id, "e-cancelled"),
            RejectionReason.GameNotInProgress, "game g-rule is Cancelled; corrections are no longer accepted" },
        { "correction after the grace period", () => [Started(Id), Score(Id, "t-1", "p-1", 2, eventId: "e-late"), Completed(Id) with { Timestamp = CompletedTime }],
            () => Correction(Id, "e-late") with { Timestamp = CompletedTime.AddHours(1).AddTicks(1) },
            RejectionReason.GameNotInProgress,
            "game g-rule completed at 2026-02-01T21:00:00.0000000+00:00; the 01:00:00 grace period for corrections has passed" },
        { "a player's event", () => [Started(Id)], () => Registered(Id, "t-1"),
            RejectionReason.UnknownEventType, "PlayerRegistered is not an event of a Game" },
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public void Every_rule_rejects_with_its_reason_and_a_message_naming_the_game_and_the_values(
        string @case, Func<EventEnvelope[]> before, Func<EventEnvelope> evt, RejectionReason reason, string message)
    {
        var game = new GameDriver(Id, OneHourGrace);
        foreach (var earlier in before())
            game.Applied(earlier);
        var state = game.State;
        var rejected = evt();

        var rejection = game.Rejected(rejected);

        rejection.Should().Be(new Rejection(reason, message, rejected.EventId, Id), @case);
        game.Journal[^1].Should().Be(new GameEventRejected(rejected.EventId, reason, message));
        game.State.RejectedIds.Should().Equal(state.RejectedIds.SetItem(rejected.EventId, rejection));
        Json(game.State.ToProjection(0)).Should().Be(Json(state.ToProjection(0)), "a rejection changes nothing else");
    }

    [Fact]
    public void A_game_started_without_a_schedule_exists_in_progress_with_its_teams()
    {
        var game = new GameDriver(Id);
        game.Applied(Started(Id, "t-5", "t-6"));
        game.State.Should().Match<GameState>(s => s.Status == GameStatus.InProgress && s.HomeTeamId == "t-5" && s.AwayTeamId == "t-6");
        game.State.IsEmpty.Should().BeFalse();
        game.State.IsCompleted.Should().BeFalse();
        game.Applied(Completed(Id));
        game.State.IsCompleted.Should().BeTrue();
    }

    [Fact]
    public void A_correction_exactly_at_the_end_of_the_grace_period_is_accepted()
    {
        // SPEC §3: corrections are accepted until Completed plus the grace period, compared on event timestamps.
        var game = new GameDriver(Id, OneHourGrace);
        game.Applied(Started(Id), Score(Id, "t-1", "p-1", 2, eventId: "e-edge"), Completed(Id) with { Timestamp = CompletedTime });
        game.Applied(Correction(Id, "e-edge") with { Timestamp = CompletedTime.AddHours(1) });
        game.State.TeamPoints("t-1").Should().Be(0);
    }

    [Fact]
    public void A_game_completed_by_a_status_change_starts_the_grace_period_at_that_event()
    {
        var game = new GameDriver(Id, OneHourGrace);
        game.Applied(Started(Id), Score(Id, "t-1", "p-1", 2, eventId: "e-a"), Score(Id, "t-2", "p-2", 3, eventId: "e-b"));
        game.Applied(Status(Id, GameStatus.InProgress, GameStatus.Halftime) with { Timestamp = CompletedTime.AddHours(-2) });
        game.Applied(Status(Id, GameStatus.Halftime, GameStatus.InProgress) with { Timestamp = CompletedTime.AddHours(-1) });
        game.State.CompletedAt.Should().BeNull("halftime does not complete the game");
        game.Applied(Status(Id, GameStatus.InProgress, GameStatus.Completed) with { Timestamp = CompletedTime });
        game.State.CompletedAt.Should().Be(CompletedTime);

        game.Applied(Correction(Id, "e-a") with { Timestamp = CompletedTime.AddMinutes(30) });
        game.Rejected(Correction(Id, "e-b") with { Timestamp = CompletedTime.AddHours(1).AddTicks(1) }).Reason
            .Should().Be(RejectionReason.GameNotInProgress);
    }

    [Fact]
    public void The_correction_target_of_a_score_the_game_does_not_hold_is_refused_naming_it()
    {
        // Decide checks the target first; GameMilestones reads it from the state before the correction.
        var game = new GameDriver(Id);
        game.Applied(Started(Id), Score(Id, "t-1", "p-1", 2, eventId: "e-held"));
        game.State.CorrectionTarget(new ScoreCorrected(Id, "e-held", "typo")).EventId.Should().Be("e-held");
        var act = () => game.State.CorrectionTarget(new ScoreCorrected(Id, "e-other", "typo"));
        act.Should().Throw<InvalidOperationException>().WithMessage("game g-rule has no uncorrected score e-other");
    }

    private sealed record NotAGameEvent : IGameJournalEvent;

    [Fact]
    public void Apply_refuses_a_journal_event_that_is_not_the_games()
    {
        var act = () => GameState.Initial(Id).Apply(new NotAGameEvent());
        act.Should().Throw<ArgumentException>().WithMessage("GameState cannot apply NotAGameEvent*").Which.ParamName.Should().Be("evt");
    }

    [Fact]
    public void A_nested_batch_is_refused_with_its_reason()
    {
        var act = () => GameState.Initial(Id).Apply(new GameEventBatch([new GameEventBatch([])]));
        act.Should().Throw<ArgumentException>().WithMessage("a batch does not nest*").Which.ParamName.Should().Be("events");
    }

    [Fact]
    public void A_game_that_does_not_exist_projects_as_unknown_with_no_teams()
    {
        var projection = GameState.Initial(Id).ToProjection(0);
        projection.Status.Should().Be("Unknown");
        projection.HomeTeamId.Should().Be("");
        projection.AwayTeamId.Should().Be("");
        projection.Score.Should().Equal(new Dictionary<string, int> { [""] = 0 });
        projection.Players.Should().BeEmpty();
        projection.Periods.Should().BeEmpty();
        GameState.Initial(Id).IsEmpty.Should().BeTrue();
    }

    [Fact]
    public void The_box_score_counts_made_shots_net_of_corrections_and_lists_only_players_with_applied_scores()
    {
        var game = new GameDriver(Id);
        game.Applied(Started(Id));
        game.Applied(
            Score(Id, "t-1", "p-1", 1, eventId: "e-1"), Score(Id, "t-1", "p-1", 2, eventId: "e-2"), Score(Id, "t-1", "p-1", 3, eventId: "e-3"),
            Score(Id, "t-1", "p-1", 3, eventId: "e-4"), Score(Id, "t-2", "p-2", 2, eventId: "e-5"), Score(Id, "t-2", "p-3", 1, eventId: "e-6"),
            Score(Id, "t-2", "p-4", 3, eventId: "e-7"));
        var lastCorrection = Correction(Id, "e-6");
        game.Applied(Correction(Id, "e-3"), lastCorrection);

        var projection = game.State.ToProjection(9);
        projection.Players.Should().BeEquivalentTo(new Dictionary<string, PlayerBoxScore>
        {
            ["p-1"] = new("t-1", 6, 1, 1, 1),
            ["p-2"] = new("t-2", 2, 0, 1, 0),
            ["p-4"] = new("t-2", 3, 0, 0, 1),
        }, "p-3's only score was corrected");
        projection.Score.Should().Equal(new Dictionary<string, int> { ["t-1"] = 6, ["t-2"] = 5 });
        projection.Plays.Should().Be(5);
        projection.EventsApplied.Should().Be(10);
        projection.LastEventId.Should().Be(lastCorrection.EventId);
        projection.Version.Should().Be(9);
    }

    [Fact]
    public void Every_player_line_update_is_numbered_and_carries_its_event()
    {
        var game = new GameDriver(Id);
        game.Applied(Started(Id));
        var first = Score(Id, "t-1", "p-1", 3, eventId: "e-1");
        var second = Score(Id, "t-2", "p-2", 1, eventId: "e-2");
        var third = Score(Id, "t-1", "p-1", 2, eventId: "e-3");
        var correction = Correction(Id, "e-1");
        game.Applied(first, second, third, correction);

        game.State.UpdateSeq.Should().Be(4);
        game.State.PlayerLines.GetValueOrDefault("p-1").Should().Be(
            new PlayerGameLine(Id, "p-1", "t-1", 4, 2, 0, 1, 0, correction.EventId, correction.Timestamp));
        game.State.PlayerLines.GetValueOrDefault("p-2").Should().Be(
            new PlayerGameLine(Id, "p-2", "t-2", 2, 1, 1, 0, 0, "e-2", second.Timestamp));
    }

    [Fact]
    public void The_play_by_play_runs_the_score_of_each_team_in_clock_order_and_keeps_arrival_order_on_one_clock()
    {
        var game = new GameDriver(Id);
        game.Applied(Started(Id));
        game.Applied(
            Score(Id, "t-2", "p-2", 2, period: 1, clockSeconds: 500, eventId: "e-b"),
            Score(Id, "t-1", "p-1", 3, period: 1, clockSeconds: 500, eventId: "e-c"),
            Score(Id, "t-1", "p-1", 1, period: 1, clockSeconds: 690, eventId: "e-a"),
            Score(Id, "t-2", "p-4", 3, period: 5, clockSeconds: 61, eventId: "e-e"),
            Score(Id, "t-1", "p-3", 2, period: 2, clockSeconds: 0, eventId: "e-d"));

        game.State.PlayByPlay().Should().Equal(
            new PlayView("e-a", 1, "11:30", "t-1", "p-1", 1, "free_throw", 1, 0),
            new PlayView("e-b", 1, "08:20", "t-2", "p-2", 2, "field_goal", 1, 2),
            new PlayView("e-c", 1, "08:20", "t-1", "p-1", 3, "three_pointer", 4, 2),
            new PlayView("e-d", 2, "00:00", "t-1", "p-3", 2, "field_goal", 6, 2),
            new PlayView("e-e", 5, "01:01", "t-2", "p-4", 3, "three_pointer", 6, 5));
        game.State.Arrivals.Should().Be(5);
        game.State.Plays.Select(p => p.Arrival).Should().Equal([3, 1, 2, 5, 4], "a play is numbered by the order it was applied in, from 1");
    }

    [Fact]
    public void A_player_scoring_for_both_teams_is_listed_under_the_team_of_his_latest_score_and_a_correction_does_not_move_him_back()
    {
        var game = new GameDriver(Id);
        game.Applied(Started(Id));
        game.Applied(Score(Id, "t-1", "p-1", 2, eventId: "e-home"), Score(Id, "t-2", "p-1", 3, eventId: "e-away"));
        game.State.PlayerLines.GetValueOrDefault("p-1")!.TeamId.Should().Be("t-2");
        game.Applied(Correction(Id, "e-home"));
        game.State.PlayerLines.GetValueOrDefault("p-1")!.TeamId.Should().Be("t-2");
        game.State.ToProjection(0).Players["p-1"].Should().Be(new PlayerBoxScore("t-2", 3, 0, 0, 1));
    }

    [Fact]
    public void A_play_holds_the_games_own_instances_of_its_team_ids_not_the_events_copies()
    {
        // GameState.AddScore: a parsed event's strings are not kept per play (thousands of plays in a long game).
        var game = new GameDriver(Id);
        game.Applied(Started(Id));
        game.Applied(Score(Id, Copy("t-1"), "p-1", 2), Score(Id, Copy("t-2"), "p-2", 2));
        ReferenceEquals(game.State.Plays[0].TeamId, game.State.HomeTeamId).Should().BeTrue();
        ReferenceEquals(game.State.Plays[1].TeamId, game.State.AwayTeamId).Should().BeTrue();
    }

    private static string Copy(string text) => new(text.ToCharArray());

    private static string Json(object value) => System.Text.Json.JsonSerializer.Serialize(value);
}
