using Basketball.Domain;
using Basketball.Domain.Events;
using Basketball.Domain.Games;
using Basketball.Domain.Milestones;
using static Basketball.TestSupport.TestEvents;

namespace Basketball.Shards.Tests.Domain;

public class GameScenarioTests
{
    [Fact]
    public void A_full_game_with_halftime_and_overtime_ends_with_the_expected_box_score()
    {
        var game = new GameDriver("g-ot");
        game.Applied(Scheduled("g-ot"), Started("g-ot"));
        game.Applied(
            Score("g-ot", "t-1", "p-1", 3, period: 1, clockSeconds: 700),   // 3-0
            Score("g-ot", "t-2", "p-2", 2, period: 1, clockSeconds: 650),   // 3-2
            Score("g-ot", "t-2", "p-2", 2, period: 2, clockSeconds: 500));  // 3-4 lead change
        game.Applied(Status("g-ot", GameStatus.InProgress, GameStatus.Halftime), Status("g-ot", GameStatus.Halftime, GameStatus.InProgress));
        game.Applied(
            Score("g-ot", "t-1", "p-3", 1, period: 3, clockSeconds: 400),   // 4-4
            Score("g-ot", "t-1", "p-1", 2, period: 4, clockSeconds: 30),    // 6-4 lead change
            Score("g-ot", "t-2", "p-2", 2, period: 4, clockSeconds: 2),     // 6-6 tie: not a change
            Score("g-ot", "t-2", "p-4", 3, period: 5, clockSeconds: 250),   // 6-9 overtime, lead change
            Score("g-ot", "t-1", "p-1", 1, period: 5, clockSeconds: 10));   // 7-9
        game.Applied(Completed("g-ot"));

        var projection = game.State.ToProjection(version: game.Journal.Count);
        projection.Status.Should().Be("Completed");
        projection.Score.Should().Equal(new Dictionary<string, int> { ["t-1"] = 7, ["t-2"] = 9 });
        projection.Periods.Select(p => (p.Period, p.Score["t-1"], p.Score["t-2"])).Should().Equal((1, 3, 2), (2, 0, 2), (3, 1, 0), (4, 2, 2), (5, 1, 3));
        projection.Players["p-1"].Should().Be(new PlayerBoxScore("t-1", 6, 1, 1, 1));
        projection.Players["p-2"].Should().Be(new PlayerBoxScore("t-2", 6, 0, 3, 0));
        projection.LeadChanges.Should().Be(3);
        projection.LargestLead.Should().Be(new Lead("t-1", 3));
        projection.Plays.Should().Be(8);
        projection.EventsApplied.Should().Be(13);
        game.Milestones.Where(m => m.Rule == MilestoneRuleNames.GameFinal)
            .Should().ContainSingle().Which.MilestoneId.Should().Be("g-ot:GameFinal:g-ot:0:1");
        game.State.PlayByPlay().Select(p => (p.GameTime, p.HomeScore, p.AwayScore)).Last().Should().Be(("00:10", 7, 9));
        Json(game.Replayed().ToProjection(game.Journal.Count)).Should().Be(Json(projection), "replaying the journal gives the same game");
    }

    /// <summary>The contract's status machine, written out by hand (the oracle is this table, not GameStatusMachine).</summary>
    private static readonly HashSet<(GameStatus From, GameStatus To)> Allowed =
    [
        (GameStatus.Scheduled, GameStatus.InProgress), (GameStatus.Scheduled, GameStatus.Cancelled),
        (GameStatus.InProgress, GameStatus.Halftime), (GameStatus.InProgress, GameStatus.Suspended), (GameStatus.InProgress, GameStatus.Completed),
        (GameStatus.Halftime, GameStatus.InProgress),
        (GameStatus.Suspended, GameStatus.InProgress), (GameStatus.Suspended, GameStatus.Cancelled),
    ];

    public static TheoryData<GameStatus, GameStatus> ForbiddenTransitions()
    {
        var data = new TheoryData<GameStatus, GameStatus>();
        foreach (var from in Enum.GetValues<GameStatus>())
        foreach (var to in Enum.GetValues<GameStatus>())
        {
            if (!Allowed.Contains((from, to)))
                data.Add(from, to);
        }
        return data;
    }

    [Fact]
    public void The_status_machine_allows_exactly_the_contracts_transitions()
    {
        var allows = Enum.GetValues<GameStatus>().SelectMany(from => Enum.GetValues<GameStatus>().Select(to => (from, to)))
            .Where(t => GameStatusMachine.Allows(t.from, t.to)).ToHashSet();
        allows.Should().BeEquivalentTo(Allowed);
    }

    [Theory]
    [MemberData(nameof(ForbiddenTransitions))]
    public void Every_transition_the_status_machine_forbids_is_an_illegal_transition(GameStatus from, GameStatus to)
    {
        var game = GameIn(from);
        var rejection = game.Rejected(Status(game.State.GameId, from, to));
        rejection.Reason.Should().Be(RejectionReason.IllegalTransition);
        rejection.Message.Should().Contain(from.ToString()).And.Contain(to.ToString());
        game.State.Status.Should().Be(from);
    }

    [Theory]
    [InlineData(GameStatus.Scheduled, GameStatus.InProgress)]
    [InlineData(GameStatus.Scheduled, GameStatus.Cancelled)]
    [InlineData(GameStatus.InProgress, GameStatus.Halftime)]
    [InlineData(GameStatus.InProgress, GameStatus.Suspended)]
    [InlineData(GameStatus.InProgress, GameStatus.Completed)]
    [InlineData(GameStatus.Halftime, GameStatus.InProgress)]
    [InlineData(GameStatus.Suspended, GameStatus.InProgress)]
    [InlineData(GameStatus.Suspended, GameStatus.Cancelled)]
    public void Every_allowed_transition_is_applied(GameStatus from, GameStatus to)
    {
        var game = GameIn(from);
        game.Applied(Status(game.State.GameId, from, to));
        game.State.Status.Should().Be(to);
    }

    [Fact]
    public void Lifecycle_events_out_of_place_are_illegal_transitions()
    {
        var game = GameIn(GameStatus.InProgress);
        game.Rejected(Scheduled(game.State.GameId)).Reason.Should().Be(RejectionReason.IllegalTransition);
        game.Rejected(Started(game.State.GameId)).Reason.Should().Be(RejectionReason.IllegalTransition);
        game.Rejected(Status(game.State.GameId, GameStatus.Halftime, GameStatus.InProgress)).Reason
            .Should().Be(RejectionReason.IllegalTransition, "fromStatus must equal the current status");

        var halftime = GameIn(GameStatus.Halftime);
        halftime.Rejected(Completed(halftime.State.GameId)).Reason.Should().Be(RejectionReason.IllegalTransition);

        var unknown = new GameDriver("g-none");
        unknown.Rejected(Status("g-none", GameStatus.Scheduled, GameStatus.InProgress)).Reason.Should().Be(RejectionReason.IllegalTransition);
        unknown.Rejected(Completed("g-none")).Reason.Should().Be(RejectionReason.IllegalTransition);
        unknown.State.IsEmpty.Should().BeTrue("rejections do not create a game");
    }

    [Theory]
    [InlineData(GameStatus.Scheduled)]
    [InlineData(GameStatus.Halftime)]
    [InlineData(GameStatus.Suspended)]
    [InlineData(GameStatus.Completed)]
    [InlineData(GameStatus.Cancelled)]
    public void Scores_outside_InProgress_are_game_not_in_progress(GameStatus status)
    {
        var game = GameIn(status);
        var rejection = game.Rejected(Score(game.State.GameId, "t-1", "p-1", 2));
        rejection.Reason.Should().Be(RejectionReason.GameNotInProgress);
        rejection.Message.Should().Contain(status.ToString());
        game.State.Plays.Should().BeEmpty();
    }

    [Fact]
    public void A_score_for_an_unknown_game_or_a_foreign_team_is_rejected()
    {
        new GameDriver("g-x").Rejected(Score("g-x", "t-1", "p-1", 2)).Reason.Should().Be(RejectionReason.GameNotInProgress);
        var game = GameIn(GameStatus.InProgress);
        game.Rejected(Score(game.State.GameId, "t-9", "p-1", 2)).Reason.Should().Be(RejectionReason.InvalidValue);
    }

    [Fact]
    public void A_correction_revokes_a_milestone_and_a_later_recrossing_fires_occurrence_2()
    {
        var game = GameIn(GameStatus.InProgress);
        var id = game.State.GameId;
        var baskets = Enumerable.Range(0, 4).Select(i => Score(id, "t-1", "p-7", 3, clockSeconds: 700 - i * 10)).ToArray();
        game.Applied(baskets);                                 // 12 points: crosses 10
        game.Applied(Correction(id, baskets[1].EventId));      // 9 points: revoked
        game.Applied(Score(id, "t-1", "p-7", 1, clockSeconds: 600)); // 10 points: crosses again

        var tens = game.Milestones.Where(m => m.Rule == MilestoneRuleNames.PlayerPointsInGame && m.Threshold == 10)
            .Select(m => (m.MilestoneId, m.Revoked, m.Value)).ToList();
        tens.Should().Equal(
            ($"{id}:PlayerPointsInGame:p-7:10:1", false, 12),
            ($"{id}:PlayerPointsInGame:p-7:10:1", true, 9),
            ($"{id}:PlayerPointsInGame:p-7:10:2", false, 10));
    }

    [Fact]
    public void Corrections_follow_their_rules_and_the_grace_period_after_completion()
    {
        var settings = BasketballSettings.Default with { CorrectionGracePeriod = TimeSpan.FromHours(1) };
        var game = new GameDriver("g-c", settings);
        var first = Score("g-c", "t-1", "p-1", 2);
        var second = Score("g-c", "t-2", "p-2", 3, clockSeconds: 500);
        game.Applied(Scheduled("g-c"), Started("g-c"), first, second);

        game.Rejected(Correction("g-c", "never-applied")).Reason.Should().Be(RejectionReason.UnknownCorrectionTarget);
        game.Applied(Correction("g-c", first.EventId));
        game.Rejected(Correction("g-c", first.EventId)).Reason.Should().Be(RejectionReason.UnknownCorrectionTarget, "it was already corrected");
        game.Applied(Status("g-c", GameStatus.InProgress, GameStatus.Halftime));
        var third = Score("g-c", "t-1", "p-1", 1);
        game.Rejected(third).Reason.Should().Be(RejectionReason.GameNotInProgress);
        game.Applied(Status("g-c", GameStatus.Halftime, GameStatus.InProgress));
        var completed = Completed("g-c");
        game.Applied(completed);

        var inGrace = Correction("g-c", second.EventId) with { Timestamp = completed.Timestamp.AddMinutes(59) };
        game.Send(inGrace).Kind.Should().Be(OutcomeKind.Applied, "inside the grace period");
        game.State.ToProjection(0).Score["t-2"].Should().Be(0);

        var game2 = new GameDriver("g-d", settings);
        var late = Score("g-d", "t-1", "p-1", 2);
        var done = Completed("g-d");
        game2.Applied(Scheduled("g-d"), Started("g-d"), late, done);
        var outside = Correction("g-d", late.EventId) with { Timestamp = done.Timestamp.AddHours(2) };
        var rejection = game2.Rejected(outside);
        rejection.Reason.Should().Be(RejectionReason.GameNotInProgress);
        rejection.Message.Should().Contain("grace period");
    }

    [Fact]
    public void A_repeated_event_is_a_duplicate_and_a_repeated_rejection_is_answered_the_same_without_a_new_journal_event()
    {
        var game = GameIn(GameStatus.InProgress);
        var score = Score(game.State.GameId, "t-1", "p-1", 2);
        game.Applied(score);
        var journalSize = game.Journal.Count;
        var projection = Json(game.State.ToProjection(0));

        game.Send(score).Kind.Should().Be(OutcomeKind.Duplicate);
        var bad = Score(game.State.GameId, "t-9", "p-1", 2);
        var first = game.Rejected(bad);
        var again = game.Send(bad);

        again.Kind.Should().Be(OutcomeKind.Rejected);
        again.Rejection.Should().Be(first);
        game.Journal.Should().HaveCount(journalSize + 1, "only the first rejection is persisted");
        Json(game.State.ToProjection(0)).Should().Be(projection);
    }

    [Fact]
    public void Runs_hot_streaks_team_points_and_leads_are_computed_over_the_clock_ordered_corrected_play_by_play()
    {
        var game = GameIn(GameStatus.InProgress);
        var id = game.State.GameId;
        // t-1 scores 12 unanswered, t-2 answers, t-1 scores 10 unanswered: two runs.
        game.Applied(Enumerable.Range(0, 4).Select(i => Score(id, "t-1", "p-1", 3, clockSeconds: 700 - i * 30)).ToArray());
        game.Applied(Score(id, "t-2", "p-2", 2, clockSeconds: 560));
        var secondRun = Enumerable.Range(0, 5).Select(i => Score(id, "t-1", "p-3", 2, clockSeconds: 540 - i * 20)).ToArray();
        game.Applied(secondRun);

        var runs = game.Milestones.Where(m => m.Rule == MilestoneRuleNames.ScoringRun).Select(m => (m.MilestoneId, m.Revoked)).ToList();
        runs.Should().Equal(($"{id}:ScoringRun:t-1:10:1", false), ($"{id}:ScoringRun:t-1:10:2", false));
        // 22 points within 5:00 of game clock: a hot streak, once.
        game.Milestones.Where(m => m.Rule == MilestoneRuleNames.HotStreak).Should().ContainSingle()
            .Which.MilestoneId.Should().Be($"{id}:HotStreak:t-1:20:1");

        // Correcting a basket of the second run leaves it at 8 points: the run's milestone is revoked.
        game.Applied(Correction(id, secondRun[0].EventId));
        game.Milestones.Last(m => m.Rule == MilestoneRuleNames.ScoringRun).Should().Match<Milestone>(m => m.Revoked && m.Occurrence == 2);

        // A basket recorded late but earlier on the clock lands in clock order and changes the leads.
        game.Applied(Score(id, "t-2", "p-2", 3, clockSeconds: 715));
        var projection = game.State.ToProjection(0);
        projection.LeadChanges.Should().Be(1, "t-2 led 3-0, then t-1 took the lead for good");
        game.State.PlayByPlay().First().EventId.Should().Be(game.State.Plays[0].EventId);
        game.State.Plays[0].ClockSeconds.Should().Be(715);
    }

    private static GameDriver GameIn(GameStatus status)
    {
        var id = $"g-{status}-{NewId()}";
        var game = new GameDriver(id);
        game.Applied(Scheduled(id));
        switch (status)
        {
            case GameStatus.Scheduled:
                break;
            case GameStatus.Cancelled:
                game.Applied(Status(id, GameStatus.Scheduled, GameStatus.Cancelled));
                break;
            case GameStatus.Completed:
                game.Applied(Started(id), Completed(id));
                break;
            default:
                game.Applied(Started(id));
                if (status != GameStatus.InProgress)
                    game.Applied(Status(id, GameStatus.InProgress, status));
                break;
        }
        game.State.Status.Should().Be(status);
        return game;
    }

    private static string Json(object value) => System.Text.Json.JsonSerializer.Serialize(value);
}
