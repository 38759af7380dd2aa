// Drives a GameState through Decide → Apply like the entity does, and keeps what was persisted.
using Basketball.Domain;
using Basketball.Domain.Events;
using Basketball.Domain.Games;
using Basketball.Domain.Milestones;

namespace Basketball.Shards.Tests.Domain;

internal sealed class GameDriver(string gameId, BasketballSettings? settings = null)
{
    public BasketballSettings Settings { get; } = settings ?? BasketballSettings.Default;

    public GameState State { get; private set; } = GameState.Initial(gameId);

    public List<IGameJournalEvent> Journal { get; } = [];

    public IEnumerable<Milestone> Milestones => Journal.OfType<GameEventApplied>().SelectMany(e => e.Milestones);

    public EventOutcome Send(EventEnvelope evt)
    {
        switch (State.Decide(evt, Settings))
        {
            case Decision<IGameJournalEvent>.Persist persist:
                Journal.Add(persist.Event);
                State = State.Apply(persist.Event);
                return persist.Outcome;
            case Decision<IGameJournalEvent>.Answer answer:
                return answer.Outcome;
            default:
                throw new InvalidOperationException("unknown decision");
        }
    }

    public EventOutcome[] Send(params EventEnvelope[] events) => events.Select(Send).ToArray();

    public void Applied(params EventEnvelope[] events) =>
        Send(events).Should().OnlyContain(o => o.Kind == OutcomeKind.Applied, "every event of this step is legal");

    public Rejection Rejected(EventEnvelope evt)
    {
        var outcome = Send(evt);
        outcome.Kind.Should().Be(OutcomeKind.Rejected);
        return outcome.Rejection!;
    }

    /// <summary>The state replayed from the journal alone (what recovery does).</summary>
    public GameState Replayed() => Journal.Aggregate(GameState.Initial(State.GameId), (s, e) => s.Apply(e));
}
