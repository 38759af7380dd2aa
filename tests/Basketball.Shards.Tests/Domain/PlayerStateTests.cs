using Basketball.Domain;
using Basketball.Domain.Events;
using Basketball.Domain.Milestones;
using Basketball.Domain.Players;
using static Basketball.TestSupport.TestEvents;

namespace Basketball.Shards.Tests.Domain;

public class PlayerStateTests
{
    private static readonly BasketballSettings Settings = BasketballSettings.Default;
    private static readonly DateTimeOffset At = new(2026, 5, 1, 20, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Registration_and_team_changes_follow_the_current_team()
    {
        var player = PlayerState.Initial("p-1");
        player = Apply(player, Registered("p-1", "t-1", "Ann"));
        player = Apply(player, TeamChanged("p-1", "t-1", "t-2"));
        player.TeamId.Should().Be("t-2");

        var wrong = player.Decide(TeamChanged("p-1", "t-1", "t-3"), Settings);
        var rejected = wrong.Should().BeOfType<Decision<IPlayerJournalEvent>.Persist>().Subject;
        rejected.Outcome.Rejection!.Reason.Should().Be(RejectionReason.InvalidValue);
        rejected.Outcome.Rejection.Message.Should().Contain("t-2");

        var unregistered = PlayerState.Initial("p-2").Decide(TeamChanged("p-2", "t-1", "t-2"), Settings);
        ((Decision<IPlayerJournalEvent>.Persist)unregistered).Outcome.Rejection!.Reason.Should().Be(RejectionReason.InvalidValue);
    }

    [Fact]
    public void A_repeated_event_is_a_duplicate_and_a_repeated_rejected_one_gets_its_first_answer()
    {
        var registration = Registered("p-1", "t-1", "Ann");
        var player = Apply(PlayerState.Initial("p-1"), registration);
        player.Decide(registration, Settings).Should().Be(
            new Decision<IPlayerJournalEvent>.Answer(EventOutcome.Duplicate(registration.EventId)));

        var wrongTeam = TeamChanged("p-1", "t-9", "t-2");
        var first = (Decision<IPlayerJournalEvent>.Persist)player.Decide(wrongTeam, Settings);
        first.Outcome.Rejection.Should().Be(new Rejection(RejectionReason.InvalidValue, "player p-1 plays for t-1, not t-9", wrongTeam.EventId, "p-1"));
        player = player.Apply(first.Event);

        player.Decide(wrongTeam, Settings).Should().Be(
            new Decision<IPlayerJournalEvent>.Answer(EventOutcome.Rejected(wrongTeam.EventId, first.Outcome.Rejection!)));
        player.TeamId.Should().Be("t-1");
    }

    [Fact]
    public void A_team_change_of_an_unregistered_player_and_an_event_of_a_game_are_rejected_with_the_reason()
    {
        var change = TeamChanged("p-2", "t-1", "t-2");
        ((Decision<IPlayerJournalEvent>.Persist)PlayerState.Initial("p-2").Decide(change, Settings)).Event.Should().Be(
            new PlayerEventRejected(change.EventId, RejectionReason.InvalidValue, "player p-2 is not registered; a team change needs a registration first"));

        var score = Envelope("p-2", new ScoreRecorded("g-1", "t-1", "p-2", 2, ShotType.FieldGoal, 600, 1));
        ((Decision<IPlayerJournalEvent>.Persist)PlayerState.Initial("p-2").Decide(score, Settings)).Event.Should().Be(
            new PlayerEventRejected(score.EventId, RejectionReason.UnknownEventType, "ScoreRecorded is not an event of a Player"));
        FluentActions.Invoking(() => PlayerState.Initial("p-2").Apply(new PlayerEventApplied(score))).Should().Throw<ArgumentException>()
            .WithMessage("PlayerState cannot apply PlayerEventApplied*");
    }

    [Fact]
    public void A_registration_sets_every_field_and_a_registered_players_lines_do_not_move_its_team()
    {
        PlayerState.Initial("p-1").IsEmpty.Should().BeTrue();
        var registered = Apply(PlayerState.Initial("p-1"), Registered("p-1", "t-1", "Ann"));
        (registered.Registered, registered.Name, registered.TeamId, registered.Position, registered.JerseyNumber, registered.IsEmpty)
            .Should().Be((true, "Ann", "t-1", "G", "7", false));

        ApplyLine(registered, Line("g-1", 1, 4) with { TeamId = "t-5" }).TeamId.Should().Be("t-1", "a registered player keeps its team");
        var unregistered = ApplyLine(PlayerState.Initial("p-3"), Line("g-1", 1, 4) with { TeamId = "t-5" });
        (unregistered.TeamId, unregistered.IsEmpty).Should().Be(("t-5", false), "a player known from a box score exists");
    }

    [Fact]
    public void The_projection_counts_played_games_only_rounds_points_per_game_and_keeps_the_earlier_of_equal_highs()
    {
        var empty = PlayerState.Initial("p-6").ToProjection(3);
        (empty.GamesPlayed, empty.PointsPerGame, empty.CareerHigh, empty.Version).Should().Be((0, 0.0, (CareerHigh?)null, 3L));

        var player = PlayerState.Initial("p-6");
        player = ApplyLine(player, Line("g-1", 1, 10) with { FreeThrows = 2, FieldGoals = 4, ThreePointers = 0 });
        player = ApplyLine(player, Line("g-2", 1, 10) with { FreeThrows = 1, FieldGoals = 0, ThreePointers = 3 });
        player = ApplyLine(player, Line("g-3", 1, 0));                                                  // on the roster, no basket
        player = ApplyLine(player, Line("g-4", 1, 2) with { FreeThrows = 2, FieldGoals = 0, ThreePointers = 0 });

        var projection = player.ToProjection(9);
        (projection.GamesPlayed, projection.Points, projection.FreeThrows, projection.FieldGoals, projection.ThreePointers)
            .Should().Be((3, 22, 5, 4, 3));
        projection.PointsPerGame.Should().Be(7.33, "22 points in 3 played games, to two decimals");
        projection.CareerHigh.Should().Be(new CareerHigh(10, "g-1"), "g-2 only equals g-1");
        projection.Games.Should().Equal(new Dictionary<string, int> { ["g-1"] = 10, ["g-2"] = 10, ["g-4"] = 2 });
        (projection.PlayerId, projection.Version).Should().Be(("p-6", 9L));
    }

    [Fact]
    public void A_batch_of_lines_applies_as_its_lines_one_by_one()
    {
        var start = PlayerState.Initial("p-7");
        var first = (PlayerGameLineApplied)((Decision<IPlayerJournalEvent>.Persist)start.Decide(Line("g-1", 1, 600) with { PlayerId = "p-7" }, Settings)).Event;
        var middle = start.Apply(first);
        var second = (PlayerGameLineApplied)((Decision<IPlayerJournalEvent>.Persist)middle.Decide(Line("g-2", 1, 700) with { PlayerId = "p-7" }, Settings)).Event;

        var batched = start.Apply(new PlayerLineBatch([first, second]));

        batched.ToProjection(0).Should().BeEquivalentTo(middle.Apply(second).ToProjection(0));
        batched.Milestones.Entries.Select(e => (e.Rule, e.Subject, e.Threshold, e.ActiveCount))
            .Should().Equal((MilestoneRuleNames.CareerHigh, "g-2", 0, 1), (MilestoneRuleNames.CareerPoints, "p-7", 1_000, 1));
    }

    [Fact]
    public void A_newer_line_replaces_the_game_and_an_older_or_equal_one_is_a_duplicate()
    {
        var player = PlayerState.Initial("p-1");
        player = ApplyLine(player, Line("g-1", seq: 5, points: 10));
        player = ApplyLine(player, Line("g-2", seq: 3, points: 7));
        player.Decide(Line("g-1", seq: 4, points: 99), Settings).Should().BeOfType<Decision<IPlayerJournalEvent>.Answer>()
            .Which.Outcome.Should().Be(EventOutcome.Duplicate("g-1#4"), "a line is named by its game and update number");
        player.Decide(Line("g-1", seq: 5, points: 99), Settings).Should().BeOfType<Decision<IPlayerJournalEvent>.Answer>();
        player = ApplyLine(player, Line("g-1", seq: 9, points: 12));

        var projection = player.ToProjection(7);
        projection.Points.Should().Be(19);
        projection.GamesPlayed.Should().Be(2);
        projection.PointsPerGame.Should().Be(9.5);
        projection.Games.Should().Equal(new Dictionary<string, int> { ["g-1"] = 12, ["g-2"] = 7 });
        projection.CareerHigh.Should().Be(new CareerHigh(12, "g-1"));
        projection.TeamId.Should().Be("t-1", "an unregistered player takes the team of its lines");
    }

    [Fact]
    public void Career_points_cross_a_threshold_are_revoked_by_a_lower_line_and_cross_again_as_occurrence_2()
    {
        var player = PlayerState.Initial("p-9");
        var milestones = new List<Milestone>();
        player = ApplyLine(player, Line("g-1", 1, 990), milestones);
        player = ApplyLine(player, Line("g-2", 1, 20), milestones);   // 1,010: crosses 1,000
        player = ApplyLine(player, Line("g-2", 2, 5), milestones);    // 995: revoked
        player = ApplyLine(player, Line("g-3", 1, 6), milestones);    // 1,001: occurrence 2

        milestones.Where(m => m.Rule == MilestoneRuleNames.CareerPoints).Select(m => (m.MilestoneId, m.Revoked)).Should().Equal(
            ("p-9:CareerPoints:p-9:1000:1", false), ("p-9:CareerPoints:p-9:1000:1", true), ("p-9:CareerPoints:p-9:1000:2", false));
    }

    [Fact]
    public void A_career_landing_exactly_on_a_threshold_reaches_it_and_one_point_below_does_not()
    {
        var player = PlayerState.Initial("p-4");
        var milestones = new List<Milestone>();
        player = ApplyLine(player, Line("g-1", 1, 999), milestones);   // 999: one short of 1,000
        milestones.Should().NotContain(m => m.Rule == MilestoneRuleNames.CareerPoints);

        player = ApplyLine(player, Line("g-2", 1, 1), milestones);     // 1,000 exactly
        player = ApplyLine(player, Line("g-3", 1, 4_000), milestones); // 5,000 exactly

        milestones.Where(m => m.Rule == MilestoneRuleNames.CareerPoints).Select(m => (m.MilestoneId, m.Value, m.Revoked)).Should().Equal(
            ("p-4:CareerPoints:p-4:1000:1", 1_000, false), ("p-4:CareerPoints:p-4:5000:1", 5_000, false));
    }

    [Fact]
    public void A_career_high_fires_for_a_game_above_every_earlier_game_but_not_for_the_first_game()
    {
        var player = PlayerState.Initial("p-3");
        var milestones = new List<Milestone>();
        player = ApplyLine(player, Line("g-1", 1, 20), milestones);
        player = ApplyLine(player, Line("g-2", 1, 15), milestones);
        player = ApplyLine(player, Line("g-2", 2, 25), milestones);   // record
        player = ApplyLine(player, Line("g-2", 3, 27), milestones);   // same game: no second firing
        player = ApplyLine(player, Line("g-2", 4, 18), milestones);   // corrected below 20: revoked

        milestones.Where(m => m.Rule == MilestoneRuleNames.CareerHigh).Select(m => (m.MilestoneId, m.Revoked)).Should().Equal(
            ("p-3:CareerHigh:g-2:0:1", false), ("p-3:CareerHigh:g-2:0:1", true));
        player.ToProjection(0).CareerHigh.Should().Be(new CareerHigh(20, "g-1"));
    }

    [Fact]
    public void Over_a_long_career_with_corrections_the_milestones_follow_a_direct_model_of_career_points_and_career_highs()
    {
        // A line evaluates only its own game and the later ones (a game's CareerHigh depends on the games before it):
        // checked against a model that recomputes every condition after every line. 1,500 lines over 120 games, some
        // lines for earlier games (corrections), points that go down as well as up.
        var random = new Random(14);
        var player = PlayerState.Initial("p-5");
        var active = new HashSet<string>();
        var seq = new Dictionary<string, long>();
        var points = new List<(string GameId, int Points)>();
        for (var n = 0; n < 1_500; n++)
        {
            var gameId = points.Count == 0 || random.Next(10) == 0 && points.Count < 120
                ? $"g-{points.Count + 1:D3}"
                : points[random.Next(10) < 8 ? points.Count - 1 : random.Next(points.Count)].GameId;
            var value = random.Next(0, 45);
            seq[gameId] = seq.GetValueOrDefault(gameId) + 1;
            var index = points.FindIndex(p => p.GameId == gameId);
            if (index < 0)
                points.Add((gameId, value));
            else
                points[index] = (gameId, value);

            var step = new List<Milestone>();
            player = ApplyLine(player, Line(gameId, seq[gameId], value), step);
            if (n % 97 == 96)
                player = player with { Games = CareerGames.Of(player.Games.ToArray()) }; // as a snapshot restores it
            var before = active.ToHashSet();
            foreach (var milestone in step)
            {
                var key = $"{milestone.Rule}|{milestone.Subject}|{milestone.Threshold}";
                (milestone.Revoked ? active.Remove(key) : active.Add(key)).Should().BeTrue($"{milestone.MilestoneId} changes the state");
            }

            var expected = Settings.Milestones.CareerPoints.Where(t => points.Sum(p => p.Points) >= t).Select(t => $"CareerPoints|p-5|{t}")
                .Concat(points.Where((game, i) => i > 0 && game.Points > points.Take(i).Max(p => p.Points)).Select(game => $"CareerHigh|{game.GameId}|0"))
                .ToHashSet();
            active.Should().BeEquivalentTo(expected, $"after line {n} ({gameId} = {value})");
            step.Should().HaveCount(before.Except(expected).Count() + expected.Except(before).Count(), "only what changed fires or is revoked");
        }
        player.Games.Should().HaveCount(points.Count);
    }

    private static PlayerGameLine Line(string gameId, long seq, int points) =>
        new(gameId, "p", "t-1", seq, points, 0, points / 2, 0, $"{gameId}-e{seq}", At);

    private static PlayerState Apply(PlayerState state, EventEnvelope evt) =>
        state.Decide(evt, Settings) is Decision<IPlayerJournalEvent>.Persist persist ? state.Apply(persist.Event) : state;

    private static PlayerState ApplyLine(PlayerState state, PlayerGameLine line, List<Milestone>? milestones = null)
    {
        var (decision, after) = state.DecideLine(line with { PlayerId = state.PlayerId }, Settings);
        var persist = decision.Should().BeOfType<Decision<IPlayerJournalEvent>.Persist>().Subject;
        milestones?.AddRange(((PlayerGameLineApplied)persist.Event).Milestones);
        var applied = state.Apply(persist.Event);
        after.ToProjection(0).Should().BeEquivalentTo(applied.ToProjection(0), "the state DecideLine computes is the one Apply gives");
        after.Milestones.Entries.Select(e => (e.Rule, e.Subject, e.Threshold, e.Issued, e.ActiveCount))
            .Should().Equal(applied.Milestones.Entries.Select(e => (e.Rule, e.Subject, e.Threshold, e.Issued, e.ActiveCount)));
        return applied;
    }
}
