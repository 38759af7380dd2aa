// The answer of a pure state to one incoming event: what to persist (if anything) and what to tell the sender.
using Basketball.Domain.Events;

namespace Basketball.Domain;

public enum OutcomeKind
{
    Applied,
    Duplicate,
    Rejected,
}

/// <summary>What happened to one event; the reply an entity gives per event once it is durable.</summary>
public sealed record EventOutcome(string EventId, OutcomeKind Kind, Rejection? Rejection = null)
{
    public static EventOutcome Applied(string eventId) => new(eventId, OutcomeKind.Applied);
    public static EventOutcome Duplicate(string eventId) => new(eventId, OutcomeKind.Duplicate);
    public static EventOutcome Rejected(string eventId, Rejection rejection) => new(eventId, OutcomeKind.Rejected, rejection);
}

public abstract record Decision<TJournalEvent>
{
    private Decision() { }

    /// <summary>Persist <see cref="Event"/>, apply it, then answer <see cref="Outcome"/>.</summary>
    public sealed record Persist(TJournalEvent Event, EventOutcome Outcome) : Decision<TJournalEvent>;

    /// <summary>Answer without persisting: a duplicate, or the remembered rejection of a repeated eventId.</summary>
    public sealed record Answer(EventOutcome Outcome) : Decision<TJournalEvent>;
}
