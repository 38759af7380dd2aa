// The entity evaluates only the conditions an event can change; this holds it to the full evaluation.
using Basketball.Domain;
using Basketball.Domain.Events;
using Basketball.Domain.Games;
using Basketball.Domain.Milestones;
using Basketball.Shards.Tests.Entities;

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
}
