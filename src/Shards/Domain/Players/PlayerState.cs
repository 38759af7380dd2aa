// The state of one player: registration, team, and one line per game played (from the Game entities).
using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Akka.Basketball.Shards.Domain.Milestones;
using Akka.Basketball.Shards.Events;

namespace Akka.Basketball.Shards.Domain.Players;

/// <summary>
/// Memory: the player's own envelope eventIds (registrations and team changes: a handful) and one line per
/// game. Lines are absolute values with the game's update number, so a stale or repeated line is ignored.
/// </summary>
public sealed record PlayerState
{
    public required string PlayerId { get; init; }

    public string? Name { get; init; }

    public string? TeamId { get; init; }

    public string? Position { get; init; }

    public string? JerseyNumber { get; init; }

    public bool Registered { get; init; }

    public ImmutableHashSet<string> AppliedIds { get; init; } = ImmutableHashSet.Create<string>(StringComparer.Ordinal);

    public ImmutableDictionary<string, Rejection> RejectedIds { get; init; } = ImmutableDictionary.Create<string, Rejection>(StringComparer.Ordinal);

    public ImmutableDictionary<string, PlayerGameLine> Lines { get; init; } = ImmutableDictionary.Create<string, PlayerGameLine>(StringComparer.Ordinal);

    /// <summary>Games in the order their first line arrived (CareerHigh compares with earlier games).</summary>
    public ImmutableList<string> GameOrder { get; init; } = [];

    public MilestoneLedger Milestones { get; init; } = MilestoneLedger.Empty;

    [JsonIgnore]
    public bool IsEmpty => !Registered && Lines.IsEmpty;

    [JsonIgnore]
    public int CareerPoints => Lines.Values.Sum(l => l.Points);

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

    public Decision<IPlayerJournalEvent> Decide(PlayerGameLine line, BasketballSettings settings)
    {
        var id = $"{line.GameId}#{line.UpdateSeq}";
        if (Lines.TryGetValue(line.GameId, out var current) && current.UpdateSeq >= line.UpdateSeq)
            return new Decision<IPlayerJournalEvent>.Answer(EventOutcome.Duplicate(id));
        var next = WithLine(line);
        var milestones = next.Milestones.Evaluate(PlayerMilestones.Conditions(next, settings.Milestones), PlayerId,
            nameof(AggregateType.Player), line.TriggeredByEventId, line.Timestamp);
        return new Decision<IPlayerJournalEvent>.Persist(new PlayerGameLineApplied(line, milestones), EventOutcome.Applied(id));
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
        _ => throw new ArgumentException($"PlayerState cannot apply {evt.GetType().Name}", nameof(evt)),
    };

    private PlayerState WithLine(PlayerGameLine line) => this with
    {
        Lines = Lines.SetItem(line.GameId, line),
        GameOrder = Lines.ContainsKey(line.GameId) ? GameOrder : GameOrder.Add(line.GameId),
        // A player known only from box scores takes the team of its latest line until it registers.
        TeamId = Registered ? TeamId : line.TeamId,
    };

    public PlayerProjection ToProjection(long version)
    {
        var played = Lines.Values.Where(l => l.FreeThrows + l.FieldGoals + l.ThreePointers > 0).ToList();
        var points = Lines.Values.Sum(l => l.Points);
        CareerHigh? high = null;
        foreach (var gameId in GameOrder)
        {
            var game = Lines[gameId];
            if (game.FreeThrows + game.FieldGoals + game.ThreePointers > 0 && (high is null || game.Points > high.Points))
                high = new CareerHigh(game.Points, gameId);
        }
        return new PlayerProjection(
            PlayerId, Name, TeamId, played.Count, points,
            Lines.Values.Sum(l => l.FreeThrows), Lines.Values.Sum(l => l.FieldGoals), Lines.Values.Sum(l => l.ThreePointers),
            played.Count == 0 ? 0 : Math.Round((double)points / played.Count, 2, MidpointRounding.AwayFromZero),
            high,
            played.ToImmutableSortedDictionary(l => l.GameId, l => l.Points, StringComparer.Ordinal),
            version);
    }
}
