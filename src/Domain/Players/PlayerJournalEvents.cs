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

/// <summary>
/// The lines one flush of a Player persisted, in the order they were decided, as ONE journal row: the lines that
/// many Games sent while the Player's previous write was in flight cost one write, not one each. Never nested and
/// never empty; a flush of one line writes that <see cref="PlayerGameLineApplied"/>.
/// </summary>
public sealed record PlayerLineBatch(ImmutableArray<PlayerGameLineApplied> Lines) : IPlayerJournalEvent
{
    /// <summary>The lines a Player journal row holds: a batch's, the row itself, or none.</summary>
    public static IEnumerable<PlayerGameLineApplied> LinesOf(object row) => row switch
    {
        PlayerLineBatch batch => batch.Lines,
        PlayerGameLineApplied line => [line],
        _ => [],
    };
}
