// The state of one player: registration, team, and one line per game played (from the Game entities).
using System.Collections.Immutable;
using Basketball.Domain.Events;
using Basketball.Domain.Milestones;

namespace Basketball.Domain.Players;

/// <summary>
/// Memory: the player's own envelope eventIds (registrations and team changes: a handful) and one
/// <see cref="PlayerGame"/> per game, inline in the arrays of <see cref="CareerGames"/>, in the order the games' first
/// lines arrived (CareerHigh compares with earlier games). Lines are absolute values with the game's update number, so
/// a stale or repeated line is ignored. A line copies one chunk of 16 games and the chunk tables, not the career, for
/// an old game as for the current one: see <see cref="CareerGames"/>.
/// </summary>
public sealed record PlayerState
{
    /// <summary>Shared by every player without rejections (nearly all): a dictionary with a comparer is an object each.</summary>
    public static readonly ImmutableDictionary<string, Rejection> NoRejections = ImmutableDictionary.Create<string, Rejection>(StringComparer.Ordinal);

    public required string PlayerId { get; init; }

    public string? Name { get; init; }

    public string? TeamId { get; init; }

    public string? Position { get; init; }

    public string? JerseyNumber { get; init; }

    public bool Registered { get; init; }

    public EventIdSet AppliedIds { get; init; } = EventIdSet.Empty;

    public ImmutableDictionary<string, Rejection> RejectedIds { get; init; } = NoRejections;

    /// <summary>One entry per game, in the order the games' first lines arrived.</summary>
    public CareerGames Games { get; init; } = CareerGames.Empty;

    public MilestoneLedger Milestones { get; init; } = MilestoneLedger.Empty;

    public bool IsEmpty => !Registered && Games.IsEmpty;

    public int CareerPoints => Games.Points;

    /// <summary>The index of <paramref name="gameId"/> in <see cref="Games"/>, or -1.</summary>
    public int IndexOf(string gameId) => Games.IndexOf(gameId);

    public static PlayerState Initial(string playerId) => new() { PlayerId = playerId };

    public Decision<IPlayerJournalEvent> Decide(EventEnvelope evt, BasketballSettings settings)
    {
        if (AppliedIds.Contains(evt.EventId))
            return new Decision<IPlayerJournalEvent>.Answer(EventOutcome.Duplicate(evt.EventId));
        if (RejectedIds.TryGetValue(evt.EventId, out var earlier))
            return new Decision<IPlayerJournalEvent>.Answer(EventOutcome.Rejected(evt.EventId, earlier));

        Rejection? rejection = evt.Data switch
        {
            PlayerRegistered => null,
            PlayerTeamChanged change when !Registered => new Rejection(RejectionReason.InvalidValue,
                $"player {PlayerId} is not registered; a team change needs a registration first", evt.EventId, PlayerId),
            PlayerTeamChanged change when change.FromTeamId != TeamId => new Rejection(RejectionReason.InvalidValue,
                $"player {PlayerId} plays for {TeamId}, not {change.FromTeamId}", evt.EventId, PlayerId),
            PlayerTeamChanged => null,
            _ => new Rejection(RejectionReason.UnknownEventType, $"{evt.EventType} is not an event of a Player", evt.EventId, PlayerId),
        };
        return rejection is null
            ? new Decision<IPlayerJournalEvent>.Persist(new PlayerEventApplied(evt), EventOutcome.Applied(evt.EventId))
            : new Decision<IPlayerJournalEvent>.Persist(new PlayerEventRejected(evt.EventId, rejection.Reason, rejection.Message),
                EventOutcome.Rejected(evt.EventId, rejection));
    }

    public Decision<IPlayerJournalEvent> Decide(PlayerGameLine line, BasketballSettings settings) => DecideLine(line, settings).Decision;

    /// <summary>
    /// <see cref="Decide(PlayerGameLine, BasketballSettings)"/> and the state after it: what <see cref="Apply"/> of the
    /// decided event gives (this state when nothing is persisted), computed once, since the state's copy of its games
    /// is the largest part of a line's cost.
    /// </summary>
    public (Decision<IPlayerJournalEvent> Decision, PlayerState After) DecideLine(PlayerGameLine line, BasketballSettings settings)
    {
        var id = $"{line.GameId}#{line.UpdateSeq}";
        var index = IndexOf(line.GameId);
        if (index >= 0 && Games[index].UpdateSeq >= line.UpdateSeq)
            return (new Decision<IPlayerJournalEvent>.Answer(EventOutcome.Duplicate(id)), this);
        var next = WithLine(line, index);
        var milestones = next.Milestones.Evaluate(PlayerMilestones.Conditions(this, next, settings.Milestones, index), PlayerId,
            nameof(AggregateType.Player), line.TriggeredByEventId, line.Timestamp, complete: false);
        return (new Decision<IPlayerJournalEvent>.Persist(new PlayerGameLineApplied(line, milestones), EventOutcome.Applied(id)),
            milestones.IsDefaultOrEmpty ? next : next with { Milestones = next.Milestones.Record(milestones) });
    }

    public PlayerState Apply(IPlayerJournalEvent evt) => evt switch
    {
        PlayerEventApplied { Event.Data: PlayerRegistered r } applied => this with
        {
            AppliedIds = AppliedIds.Add(applied.Event.EventId),
            Registered = true,
            Name = r.Name,
            TeamId = r.TeamId,
            Position = r.Position,
            JerseyNumber = r.JerseyNumber,
        },
        PlayerEventApplied { Event.Data: PlayerTeamChanged c } applied => this with
        {
            AppliedIds = AppliedIds.Add(applied.Event.EventId),
            TeamId = c.ToTeamId,
        },
        PlayerEventRejected rejected => this with
        {
            RejectedIds = RejectedIds.SetItem(rejected.EventId, new Rejection(rejected.Reason, rejected.Message, rejected.EventId, PlayerId)),
        },
        PlayerGameLineApplied line => WithLine(line.Line) with { Milestones = Milestones.Record(line.Milestones) },
        PlayerLineBatch batch => batch.Lines.Aggregate(this, (state, line) => state.Apply(line)),
        _ => throw new ArgumentException($"PlayerState cannot apply {evt.GetType().Name}", nameof(evt)),
    };

    private PlayerState WithLine(PlayerGameLine line) => WithLine(line, IndexOf(line.GameId));

    private PlayerState WithLine(PlayerGameLine line, int index) => this with
    {
        Games = index >= 0 ? Games.SetItem(index, PlayerGame.Of(line)) : Games.Add(PlayerGame.Of(line)),
        // A player known only from box scores takes the team of its latest line until it registers.
        TeamId = Registered ? TeamId : line.TeamId,
    };

    public PlayerProjection ToProjection(long version)
    {
        int played = 0, points = 0, freeThrows = 0, fieldGoals = 0, threePointers = 0;
        CareerHigh? high = null;
        var games = ImmutableSortedDictionary.CreateBuilder<string, int>(StringComparer.Ordinal);
        foreach (var game in Games)
        {
            points += game.Points;
            freeThrows += game.FreeThrows;
            fieldGoals += game.FieldGoals;
            threePointers += game.ThreePointers;
            if (!game.Played)
                continue;
            played++;
            games[game.GameId] = game.Points;
            if (high is null || game.Points > high.Points)
                high = new CareerHigh(game.Points, game.GameId);
        }
        return new PlayerProjection(
            PlayerId, Name, TeamId, played, points, freeThrows, fieldGoals, threePointers,
            played == 0 ? 0 : Math.Round((double)points / played, 2, MidpointRounding.AwayFromZero),
            high, games.ToImmutable(), version);
    }
}
