// The entity evaluates only the conditions an event can change; this holds it to the full evaluation.
using Basketball.Domain;
using Basketball.Domain.Events;
using Basketball.Domain.Games;
using Basketball.Domain.Milestones;
using Basketball.Shards.Tests.Entities;
using static Basketball.TestSupport.TestEvents;

namespace Basketball.Shards.Tests.Domain;

public class GameMilestonesTests
{
    public static TheoryData<string> Thresholds() => ["default", "low"];

    [Theory]
    [MemberData(nameof(Thresholds))]
    public void Evaluating_only_the_affected_conditions_gives_the_milestones_of_evaluating_every_condition(string thresholds)
    {
        // Low thresholds make every rule fire and get revoked by corrections many times over.
        var settings = thresholds == "low"
            ? BasketballSettings.Default with { Milestones = new MilestoneSettings([4, 8, 12], 20, 5, 6, 120, [50]) }
            : BasketballSettings.Default;
        var milestones = 0;
        var revoked = 0;
        for (var seed = 1; seed <= 200; seed++)
        {
            var game = RandomGame.Create($"eq-{seed:D3}", seed);
            var driver = new GameDriver(game.GameId, settings);
            foreach (var evt in game.Events)
            {
                var before = driver.State;
                var journalLength = driver.Journal.Count;
                driver.Send(evt);
                if (driver.Journal.Count == journalLength || driver.Journal[^1] is not GameEventApplied applied)
                    continue;

                var expected = before.Milestones.Evaluate(GameMilestones.Conditions(driver.State, settings.Milestones), game.GameId,
                    nameof(AggregateType.Game), evt.EventId, evt.Timestamp);
                applied.Milestones.Should().Equal(expected, $"event {evt.EventId} of seed {seed} yields what a full evaluation does");
                milestones += applied.Milestones.Length;
                revoked += applied.Milestones.Count(m => m.Revoked);
            }
        }

        milestones.Should().BeGreaterThan(100, "the games exercise the rules");
        if (thresholds == "low")
            revoked.Should().BeGreaterThan(10, "corrections revoke milestones");
    }

    /// <summary>Low thresholds, so that a few hand-counted baskets reach them; no scoring run or player threshold is reached.</summary>
    private static readonly BasketballSettings Low = BasketballSettings.Default with
    {
        Milestones = new MilestoneSettings([50], TeamPoints: 6, ScoringRunPoints: 50, HotStreakPoints: 5, HotStreakWindowSeconds: 60, [1_000]),
    };

    [Fact]
    public void TeamPoints_and_HotStreak_fire_on_the_basket_that_reaches_their_threshold_exactly_and_not_one_point_before()
    {
        // SPEC §6: a team "reaches" 100 points (here 6); a hot streak is >= 20 points (here 5) within the window (here 60 s).
        const string id = "g-low";
        var game = new GameDriver(id, Low);
        game.Applied(Started(id));
        game.Applied(
            Score(id, "t-1", "p-1", 2, clockSeconds: 700),          // t-1 2
            Score(id, "t-2", "p-2", 3, clockSeconds: 600),          // t-2 3 at 600
            Score(id, "t-2", "p-2", 1, clockSeconds: 590),          // t-2 4 within 10 s: one point short
            Score(id, "t-1", "p-1", 2, clockSeconds: 450),          // t-1 4 (t-1's baskets are over 60 s apart)
            Score(id, "t-1", "p-1", 1, clockSeconds: 300));         // t-1 5: one point short
        game.Milestones.Should().BeEmpty("no threshold is reached yet");

        var streak = Score(id, "t-2", "p-2", 1, clockSeconds: 580); // t-2 5 within 20 s
        var hundred = Score(id, "t-1", "p-1", 1, clockSeconds: 150); // t-1 6
        game.Applied(streak, hundred);

        game.Milestones.Select(m => (m.MilestoneId, m.Value, m.TriggeredByEventId)).Should().Equal(
            ("g-low:HotStreak:t-2:5:1", 5, streak.EventId),
            ("g-low:TeamPoints:t-1:6:1", 6, hundred.EventId));
    }

    [Fact]
    public void GameFinal_fires_on_the_completion_only_with_the_winners_points()
    {
        const string id = "g-final";
        var game = new GameDriver(id, Low);
        game.Applied(Scheduled(id), Started(id));
        game.Applied(Score(id, "t-1", "p-1", 3), Score(id, "t-2", "p-2", 2, clockSeconds: 500), Score(id, "t-2", "p-2", 2, clockSeconds: 400));
        game.Applied(Status(id, GameStatus.InProgress, GameStatus.Halftime), Status(id, GameStatus.Halftime, GameStatus.InProgress));
        game.Milestones.Should().BeEmpty("the game has not completed");

        var completed = Completed(id);
        game.Applied(completed);

        game.Milestones.Should().ContainSingle().Which.Should().Be(new Milestone("g-final:GameFinal:g-final:0:1", MilestoneRuleNames.GameFinal,
            id, "Game", id, 0, 4, 1, false, id, completed.EventId, completed.Timestamp), "t-2 won 4-3");
    }

    [Fact]
    public void A_game_without_teams_has_no_milestone_conditions()
    {
        var nothing = GameState.Initial("g-none");
        GameMilestones.Conditions(nothing, Low.Milestones).Should().BeEmpty();
        GameMilestones.AffectedBy(Completed("g-none"), nothing, nothing, Low.Milestones).Should().BeEmpty();
    }
}
