// What the Player entity writes to its journal. Persisted types: never rename or reshape them.
using System.Collections.Immutable;
using Basketball.Domain.Events;
using Basketball.Domain.Milestones;

namespace Basketball.Domain.Players;

public interface IPlayerJournalEvent;

/// <summary>An accepted PlayerRegistered / PlayerTeamChanged.</summary>
public sealed record PlayerEventApplied(EventEnvelope Event) : IPlayerJournalEvent;

public sealed record PlayerEventRejected(string EventId, RejectionReason Reason, string Message) : IPlayerJournalEvent;

/// <summary>A newer line of one game, with the career milestones it caused.</summary>
public sealed record PlayerGameLineApplied(PlayerGameLine Line, ImmutableArray<Milestone> Milestones) : IPlayerJournalEvent;
