// What the Game entity writes to its journal. These types are persisted: never rename or reshape them
// without a new manifest in the serializer.
using System.Collections.Immutable;
using Basketball.Domain.Events;
using Basketball.Domain.Milestones;

namespace Basketball.Domain.Games;

public interface IGameJournalEvent;

/// <summary>An accepted event with the milestones (fired and revoked) it caused.</summary>
public sealed record GameEventApplied(EventEnvelope Event, ImmutableArray<Milestone> Milestones) : IGameJournalEvent;

/// <summary>
/// A rejected event is remembered (not applied) so that a redelivery after a crash gets the same answer,
/// even if later events changed the state in between — the outcome of a record never depends on a crash.
/// </summary>
public sealed record GameEventRejected(string EventId, RejectionReason Reason, string Message) : IGameJournalEvent;

/// <summary>
/// Every event one delivery persisted (applied and rejected, in their order) as ONE journal row: the persistence
/// machinery, the tags and the read side then work once per delivery, not once per event. Its journal sequence
/// number is the game's version after the last of them. Never nested; a delivery of one event writes that event.
/// </summary>
public sealed record GameEventBatch(ImmutableArray<IGameJournalEvent> Events) : IGameJournalEvent
{
    /// <summary>The events a journal row holds: a batch's, or the row's own event.</summary>
    public static IEnumerable<IGameJournalEvent> Flatten(object row) => row switch
    {
        GameEventBatch batch => batch.Events,
        IGameJournalEvent evt => [evt],
        _ => [],
    };
}
