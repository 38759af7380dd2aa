using Basketball.Domain;
using Basketball.Domain.Events;
using Basketball.Domain.Games;

namespace Basketball.Shards.Tests.Domain;

/// <summary>A batch row (gb1) must recover exactly the state its events would, one row each (ga1 / gr1).</summary>
public class GameEventBatchTests
{
    [Fact]
    public void Applying_a_batch_equals_applying_its_events_one_by_one_and_mixed_journals_recover_the_same()
    {
        var settings = new BasketballSettings(Basketball.Domain.Milestones.MilestoneSettings.Default, TimeSpan.FromHours(24), 100);
        var decided = new List<IGameJournalEvent>();
        var state = GameState.Initial("g-b");
        var events = new[]
        {
            TestEvents.Scheduled("g-b"), TestEvents.Started("g-b"),
            TestEvents.Score("g-b", "t-1", "p-1", 3), TestEvents.Score("g-b", "t-2", "p-2", 2),
            TestEvents.Status("g-b", GameStatus.Scheduled, GameStatus.Completed), // rejected: the game is in progress
            TestEvents.Score("g-b", "t-1", "p-1", 2),
        };
        foreach (var evt in events)
        {
            if (state.Decide(evt, settings) is Decision<IGameJournalEvent>.Persist persist)
            {
                decided.Add(persist.Event);
                state = state.Apply(persist.Event);
            }
        }
        decided.OfType<GameEventRejected>().Should().ContainSingle("the illegal status change is remembered as a rejection");

        var oneByOne = decided.Aggregate(GameState.Initial("g-b"), (s, e) => s.Apply(e));
        var batched = GameState.Initial("g-b").Apply(new GameEventBatch([.. decided]));
        var mixed = GameState.Initial("g-b").Apply(decided[0]).Apply(new GameEventBatch([.. decided.Skip(1)]));

        Projection(batched).Should().Be(Projection(oneByOne));
        Projection(mixed).Should().Be(Projection(oneByOne));
        batched.RejectedIds.Keys.Should().BeEquivalentTo(oneByOne.RejectedIds.Keys);
        oneByOne.ToProjection(1).EventsApplied.Should().Be(5, "five events were applied, whatever the rows");
    }

    [Fact]
    public void A_batch_does_not_nest()
    {
        var inner = new GameEventBatch([]);
        var act = () => GameState.Initial("g-n").Apply(new GameEventBatch([inner]));
        act.Should().Throw<ArgumentException>();
    }

    private static string Projection(GameState state) => System.Text.Json.JsonSerializer.Serialize(state.ToProjection(1));
}
