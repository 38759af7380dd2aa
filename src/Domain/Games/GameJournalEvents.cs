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
